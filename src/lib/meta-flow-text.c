/* meta-flow-text.c - field values in ovs-ofctl text: parsing "value[/mask]"
 * (numbers, MAC and IP addresses with masks or prefixes, fragment and TCP
 * flag names) and formatting them back the way ovs-ofctl prints them. */
#include "lib/meta-flow.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const tcp_flag_names[] = {"fin", "syn", "rst", "psh", "ack",
                                             "urg", "ece", "cwr", "ns"};

const char *mf_tcp_flag_name(unsigned bit)
{
	return bit < ARRAY_SIZE(tcp_flag_names) ? tcp_flag_names[bit] : NULL;
}

struct frag_name {
	const char *name;
	uint8_t value, mask;
};

static const struct frag_name frag_names[] = {
        {"no", 0, FLOW_NW_FRAG_ANY},
        {"yes", FLOW_NW_FRAG_ANY, FLOW_NW_FRAG_ANY},
        {"first", FLOW_NW_FRAG_ANY, FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER},
        {"later", FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER, FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER},
        {"not_later", 0, FLOW_NW_FRAG_LATER},
};

static bool is_integer_field(const struct mf_field *mf)
{
	return mf->n_bytes <= 8 && mf->n_bytes != 6;
}

static uint64_t width_max(const struct mf_field *mf)
{
	return mf->n_bits >= 64 ? UINT64_MAX : (UINT64_C(1) << mf->n_bits) - 1;
}

static int bad_value(const struct mf_field *mf, const char *s, struct errmsg *err)
{
	return errmsg_set(err, -EINVAL, "'%s' is not a valid %s", s, mf->desc);
}

static int parse_int_part(const struct mf_field *mf, const char *s, const char *whole,
                          uint64_t *out, struct errmsg *err)
{
	uint64_t max = mf->id == MFF_DL_VLAN ? 0xffff : width_max(mf);
	int error = parse_u64_hexdec(s, UINT64_MAX, out);

	if (error == -EINVAL)
		return bad_value(mf, whole, err);
	if (error || *out > max)
		return errmsg_set(err, -EINVAL, "'%s' is out of range (max %" PRIu64 ")", whole,
		                  mf->id == MFF_DL_VLAN ? (uint64_t)VLAN_VID_BITS : max);
	return 0;
}

static int parse_tcp_flags(const struct mf_field *mf, const char *s, union mf_value *value,
                           union mf_value *mask, struct errmsg *err)
{
	uint16_t v = 0, m = 0;
	const char *p = s;

	while (*p) {
		bool plus = *p == '+';
		size_t n;
		unsigned bit;

		if (*p != '+' && *p != '-')
			return bad_value(mf, s, err);
		p++;
		n = strcspn(p, "+-");
		for (bit = 0; bit < ARRAY_SIZE(tcp_flag_names); bit++)
			if (strlen(tcp_flag_names[bit]) == n && !strncmp(p, tcp_flag_names[bit], n))
				break;
		if (bit == ARRAY_SIZE(tcp_flag_names))
			return errmsg_set(err, -EINVAL, "'%s': unknown TCP flag '%.*s'", s, (int)n,
			                  p);
		if (m & (1u << bit))
			return errmsg_set(err, -EINVAL, "'%s': TCP flag '%s' given twice", s,
			                  tcp_flag_names[bit]);
		m |= (uint16_t)(1u << bit);
		if (plus)
			v |= (uint16_t)(1u << bit);
		p += n;
	}
	mf_value_from_u64(mf, v, value);
	mf_value_from_u64(mf, m, mask);
	return 0;
}

static int prefix_len(const char *s, unsigned max, unsigned *out)
{
	uint64_t n;

	if (parse_uint(s, 0, max, &n))
		return -EINVAL;
	*out = (unsigned)n;
	return 0;
}

static void prefix_to_bytes(unsigned plen, uint8_t *bytes, unsigned n_bytes)
{
	for (unsigned i = 0; i < n_bytes; i++) {
		unsigned bits = plen > 8 * i ? PB_MIN(plen - 8 * i, 8u) : 0;

		bytes[i] = (uint8_t)(0xff00u >> bits);
	}
}

/* Parses an address of 'mf' (MAC, IPv4, IPv6) into network-order bytes. */
static int parse_addr(const struct mf_field *mf, const char *s, uint8_t *bytes)
{
	switch (mf->string) {
	case MFS_ETHERNET:
		return eth_addr_parse(s, bytes);
	case MFS_IPV4:
		return inet_pton(AF_INET, s, bytes) == 1 ? 0 : -EINVAL;
	default:
		return inet_pton(AF_INET6, s, bytes) == 1 ? 0 : -EINVAL;
	}
}

static int parse_address(const struct mf_field *mf, const char *s, const char *slash,
                         union mf_value *value, union mf_value *mask, struct errmsg *err)
{
	unsigned addr_len = mf->string == MFS_IPV4 ? 4 : mf->n_bytes;
	uint8_t v[16], m[16];
	char buf[64];
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	if (n >= sizeof buf)
		return bad_value(mf, s, err);
	memcpy(buf, s, n);
	buf[n] = 0;
	if (parse_addr(mf, buf, v))
		return bad_value(mf, s, err);
	memset(m, 0xff, sizeof m);
	if (slash) {
		unsigned plen;

		if (mf->string != MFS_ETHERNET && !prefix_len(slash + 1, 8 * addr_len, &plen))
			prefix_to_bytes(plen, m, addr_len);
		else if (parse_addr(mf, slash + 1, m))
			return errmsg_set(err, -EINVAL, "'%s' has an invalid mask", s);
	}
	memset(value, 0, sizeof *value);
	memset(mask, 0, sizeof *mask);
	if (mf->string == MFS_IPV4) {
		uint32_t vv, mm;

		memcpy(&vv, v, 4);
		memcpy(&mm, m, 4);
		value->u32 = ntohl(vv);
		mask->u32 = ntohl(mm);
	} else {
		memcpy(value->bytes, v, addr_len);
		memcpy(mask->bytes, m, addr_len);
	}
	return 0;
}

int mf_parse(const struct mf_field *mf, const char *s, union mf_value *value, union mf_value *mask,
             struct errmsg *err)
{
	const char *slash = strchr(s, '/');
	int error;

	if (!*s)
		return errmsg_set(err, -EINVAL, "missing value");
	switch (mf->string) {
	case MFS_ETHERNET:
	case MFS_IPV4:
	case MFS_IPV6:
		error = parse_address(mf, s, slash, value, mask, err);
		break;
	case MFS_TCP_FLAGS:
		if (*s == '+' || *s == '-')
			return parse_tcp_flags(mf, s, value, mask, err);
		goto integer;
	case MFS_FRAG:
		for (size_t i = 0; i < ARRAY_SIZE(frag_names); i++) {
			if (!strcmp(s, frag_names[i].name)) {
				mf_value_from_u64(mf, frag_names[i].value, value);
				mf_value_from_u64(mf, frag_names[i].mask, mask);
				return 0;
			}
		}
		goto integer;
	default:
	integer : {
		uint64_t v, m = width_max(mf);
		char buf[64];
		size_t n = slash ? (size_t)(slash - s) : strlen(s);

		if (n >= sizeof buf)
			return bad_value(mf, s, err);
		memcpy(buf, s, n);
		buf[n] = 0;
		error = parse_int_part(mf, buf, s, &v, err);
		if (!error && slash)
			error = parse_int_part(mf, slash + 1, s, &m, err);
		if (error)
			return error;
		if (mf->id == MFF_DL_VLAN)
			m = 0xffff;
		mf_value_from_u64(mf, v, value);
		mf_value_from_u64(mf, m, mask);
		if (!mf_value_check(mf, value))
			return errmsg_set(err, -EINVAL, "'%s' is not a valid %s", s, mf->desc);
		break;
	}
	}
	if (error)
		return error;
	if (!mf->maskable && !mf_mask_is_exact(mf, mask))
		return errmsg_set(err, -EINVAL, "'%s': this field cannot be masked", s);
	return 0;
}

int mf_parse_value(const struct mf_field *mf, const char *s, union mf_value *value,
                   struct errmsg *err)
{
	union mf_value mask;
	int error = mf_parse(mf, s, value, &mask, err);

	if (!error && !mf_mask_is_exact(mf, &mask))
		return errmsg_set(err, -EINVAL, "'%s': a mask is not allowed here", s);
	return error;
}

/* Length of the CIDR prefix 'bytes' forms, or -1 if not contiguous. */
static int bytes_prefix(const uint8_t *bytes, unsigned n)
{
	int plen = 0;
	unsigned i = 0;

	for (; i < n && bytes[i] == 0xff; i++)
		plen += 8;
	if (i < n) {
		uint8_t b = bytes[i];

		while (b & 0x80) {
			plen++;
			b = (uint8_t)(b << 1);
		}
		if (b)
			return -1;
		for (i++; i < n; i++)
			if (bytes[i])
				return -1;
	}
	return plen;
}

static void format_address(const struct mf_field *mf, const union mf_value *value,
                           const union mf_value *mask, char *buf, size_t size)
{
	unsigned n = mf->string == MFS_IPV4 ? 4 : mf->n_bytes;
	uint8_t v[16], m[16];
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int plen;

	if (mf->string == MFS_IPV4) {
		uint32_t vv = htonl(value->u32), mm = htonl(mask ? mask->u32 : UINT32_MAX);

		memcpy(v, &vv, 4);
		memcpy(m, &mm, 4);
	} else {
		memcpy(v, value->bytes, n);
		if (mask)
			memcpy(m, mask->bytes, n);
		else
			memset(m, 0xff, n);
	}
	if (mf->string == MFS_ETHERNET) {
		eth_addr_format(v, a);
		eth_addr_format(m, b);
	} else {
		inet_ntop(mf->string == MFS_IPV4 ? AF_INET : AF_INET6, v, a, sizeof a);
		inet_ntop(mf->string == MFS_IPV4 ? AF_INET : AF_INET6, m, b, sizeof b);
	}
	plen = bytes_prefix(m, n);
	if (plen == (int)(8 * n))
		snprintf(buf, size, "%s", a);
	else if (plen >= 0 && mf->string != MFS_ETHERNET)
		snprintf(buf, size, "%s/%d", a, plen);
	else
		snprintf(buf, size, "%s/%s", a, b);
}

static void format_tcp_flags(uint64_t v, uint64_t m, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = 0;
	for (unsigned bit = 0; bit < ARRAY_SIZE(tcp_flag_names) && len < size; bit++)
		if (m & (1u << bit))
			len += (size_t)snprintf(buf + len, size - len, "%c%s",
			                        (v >> bit) & 1 ? '+' : '-', tcp_flag_names[bit]);
}

void mf_format(const struct mf_field *mf, const union mf_value *value, const union mf_value *mask,
               char *buf, size_t size)
{
	uint64_t v, m;
	bool exact;

	if (!is_integer_field(mf)) {
		format_address(mf, value, mask, buf, size);
		return;
	}
	if (mf->string == MFS_IPV4) {
		format_address(mf, value, mask, buf, size);
		return;
	}
	v = mf_value_to_u64(mf, value);
	m = mask ? mf_value_to_u64(mf, mask) : width_max(mf);
	exact = mask ? mf_mask_is_exact(mf, mask) : true;
	if (mf->id == MFF_DL_VLAN)
		exact = true;
	switch (mf->string) {
	case MFS_FRAG:
		for (size_t i = 0; i < ARRAY_SIZE(frag_names); i++) {
			if (frag_names[i].value == v && frag_names[i].mask == m) {
				snprintf(buf, size, "%s", frag_names[i].name);
				return;
			}
		}
		if (v == 0 && m == (FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER)) {
			snprintf(buf, size, "no");
			return;
		}
		break;
	case MFS_TCP_FLAGS:
		if (!exact && m && !(m & ~UINT64_C(0x1ff))) {
			format_tcp_flags(v, m, buf, size);
			return;
		}
		if (exact)
			snprintf(buf, size, "0x%03" PRIx64, v);
		else
			snprintf(buf, size, "0x%03" PRIx64 "/0x%03" PRIx64, v, m);
		return;
	case MFS_DECIMAL:
	case MFS_OFP_PORT:
		if (exact) {
			snprintf(buf, size, "%" PRIu64, v);
			return;
		}
		break;
	default:
		break;
	}
	if (mf->n_bits == 16 && mf->string == MFS_HEX) {
		if (exact)
			snprintf(buf, size, "0x%04" PRIx64, v);
		else
			snprintf(buf, size, "0x%04" PRIx64 "/0x%04" PRIx64, v, m);
	} else if (exact) {
		snprintf(buf, size, "0x%" PRIx64, v);
	} else {
		snprintf(buf, size, "0x%" PRIx64 "/0x%" PRIx64, v, m);
	}
}
