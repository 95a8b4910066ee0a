/* fuzz-flow.c - libFuzzer target for flow extraction and the datapath
 * executor.  The input is a packet (after FZ_CTRL control bytes that pick a few
 * actions).  Checks: extraction never reads past the end (ASan on an
 * exact-size copy) and is deterministic; formatting never overflows; running
 * set-field/push/pop/dec_ttl actions keeps the executor's flow equal to a
 * fresh extraction of the edited packet; outputs see the current bytes. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/dp-actions.h"
#include "lib/flow.h"
#include "lib/packet-edit.h"

/* data[0..3] select actions, data[4..9] are their arguments. */
#define FZ_CTRL 10

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz_out {
	const struct pkt *expect;
	int n;
};

static void fz_output(void *aux, uint32_t port, const struct pkt *pkt, unsigned flags,
                      const struct dp_tunnel_md *tun)
{
	struct fz_out *o = aux;
	volatile uint8_t sink = 0;

	/* Touch every byte: ASan checks the packet is still in bounds. */
	for (uint32_t i = 0; i < pkt->len; i++)
		sink ^= pkt->data[i];
	(void)sink;
	o->n++;
}

static void fz_add_action(struct dp_actions *acts, uint8_t sel, const uint8_t *arg)
{
	uint64_t v, m;
	enum dp_field f;

	switch (sel % 8) {
	case 0:
		dp_actions_put_push_vlan(acts, arg[0] & 1 ? 0x88a8 : 0x8100,
		                         (uint16_t)(arg[1] << 8 | arg[2]));
		return;
	case 1:
		dp_actions_put_pop_vlan(acts);
		return;
	case 2:
		dp_actions_put_dec_ttl(acts);
		return;
	case 3:
		dp_actions_put_output(acts, arg[0]);
		return;
	default:
		break;
	}
	f = (enum dp_field)(arg[0] % DP_N_FIELDS);
	if (dp_field_n_bytes(f)) {
		uint8_t val[16], mask[16];

		for (int i = 0; i < 16; i++) {
			val[i] = (uint8_t)(arg[1] * (i + 1));
			mask[i] = (uint8_t)(arg[2] ^ (i * 37));
		}
		dp_actions_put_set_bytes(acts, f, val, sel & 8 ? mask : NULL);
		return;
	}
	v = (uint64_t)arg[1] * 0x0101010101010101ull;
	m = sel & 8 ? (uint64_t)arg[2] * 0x0101010101010101ull : UINT64_MAX;
	dp_actions_put_set_int(acts, f, v, m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct dp_exec_ops ops = {.output = fz_output};
	struct flow f1, f2, mask;
	struct dp_actions acts;
	struct fz_out out = {NULL, 0};
	uint8_t *copy, *room;
	struct pkt pkt;
	char text[2048];
	size_t plen;
	int n, r;

	if (size < FZ_CTRL || size - FZ_CTRL > PKT_MAX_LEN)
		return 0;
	plen = size - FZ_CTRL;

	/* Extraction from an exact-size heap copy; twice, identically. */
	copy = malloc(plen ? plen : 1);
	memcpy(copy, data + FZ_CTRL, plen);
	pkt = (struct pkt){.data = copy, .len = (uint32_t)plen};
	flow_extract(&pkt, 5, &f1);
	memset(&f2, 0x5a, sizeof f2);
	flow_extract(&pkt, 5, &f2);
	if (memcmp(&f1, &f2, sizeof f1) || f1.in_port != 5)
		abort();
	free(copy);

	n = flow_format(&f1, NULL, text, sizeof text);
	if (n < 0 || (size_t)n >= sizeof text || strlen(text) != (size_t)n)
		abort();
	memset(&mask, data[0], sizeof mask);
	n = flow_format(&f1, &mask, text, 17);
	if (n < 0 || strlen(text) > 16)
		abort();

	/* Actions, executed on a copy with exactly 8 bytes of headroom (two
	 * pushes) and no tailroom. */
	dp_actions_init(&acts);
	for (int i = 0; i < 4; i++)
		fz_add_action(&acts, data[i], data + 4 + (i % 2) * 3);
	dp_actions_put_output(&acts, 1);
	if (dp_actions_validate(acts.data, acts.size))
		abort();
	n = dp_actions_format(&acts, text, sizeof text);
	if (n < 0 || (size_t)n >= sizeof text)
		abort();

	room = malloc(plen + PKT_EDIT_HEADROOM);
	memcpy(room + PKT_EDIT_HEADROOM, data + FZ_CTRL, plen);
	pkt = (struct pkt){.data = room + PKT_EDIT_HEADROOM,
	                   .len = (uint32_t)plen,
	                   .headroom = PKT_EDIT_HEADROOM};
	flow_extract(&pkt, 5, &f1);
	f1.regs[0] = 0xabcd;
	r = dp_execute(&pkt, &f1, &acts, &ops, &out);
	if (r && r != -ETIMEDOUT && r != -ENOSPC)
		abort();
	if (pkt.data < room || pkt.data + pkt.len > room + plen + PKT_EDIT_HEADROOM ||
	    pkt.data - room != pkt.headroom)
		abort();
	if (!r) {
		if (out.n < 1 || f1.regs[0] != 0xabcd)
			abort();
		f1.regs[0] = 0;
		f1.tun_id = f1.tun_src = f1.tun_dst = 0; /* metadata only */
		f1.tun_gnv_class = 0;
		f1.tun_gnv_type = f1.tun_gnv_len = 0;
		f1.tun_gnv_data = 0;
		flow_extract(&pkt, 5, &f2);
		if (memcmp(&f1, &f2, sizeof f1))
			abort(); /* the executor's flow drifted from the packet */
	}
	free(room);
	dp_actions_uninit(&acts);
	return 0;
}
