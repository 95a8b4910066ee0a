/* cmd-fdb.c - pbctl's MAC learning commands: fdb-show (printed like
 * `ovs-appctl fdb/show`) and fdb-flush. */
#include "cli/pbctl.h"

#include <stdio.h>

/*  port  VLAN  MAC                Age
 *     1     0  aa:bb:cc:dd:ee:ff    5
 * The port column holds the OpenFlow port number, as in OVS; the name is in
 * the JSON form. */
static int print_fdb(const json_t *result)
{
	const json_t *entries = json_object_get(result, "entries"), *entry, *port;
	char b_port[64], b_vlan[32], b_mac[64], b_age[32];
	size_t i;

	if (!json_is_array(entries))
		return output_bad_reply("no entry list");
	puts(" port  VLAN  MAC                Age");
	json_array_foreach(entries, i, entry)
	{
		port = json_object_get(entry, "ofport");
		if (!port || json_is_null(port))
			port = json_object_get(entry, "port");
		printf("%5s  %4s  %-17s  %3s\n", output_scalar(port, b_port, sizeof(b_port)),
		       output_scalar(json_object_get(entry, "vlan"), b_vlan, sizeof(b_vlan)),
		       output_scalar(json_object_get(entry, "mac"), b_mac, sizeof(b_mac)),
		       output_scalar(json_object_get(entry, "age"), b_age, sizeof(b_age)));
	}
	return 0;
}

int cmd_fdb_show(struct pbctl_ctx *ctx, int argc, char **argv)
{
	return pbctl_bridge_call(ctx, "fdb-show", argv[0], print_fdb);
}

int cmd_fdb_flush(struct pbctl_ctx *ctx, int argc, char **argv)
{
	return pbctl_bridge_call(ctx, "fdb-flush", argv[0], NULL);
}
