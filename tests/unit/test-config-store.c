/* test-config-store.c - unit tests for the daemon's config store: the model
 * helpers, strict parsing with precise errors (stored flow lines included),
 * and atomic saving. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/config-store.h"

/* ---- helpers --------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup_dir(void **state)
{
	char *dir = xstrdup("/tmp/pb-cfgtest-XXXXXX");

	assert_non_null(mkdtemp(dir));
	*state = dir;
	return 0;
}

static int teardown_dir(void **state)
{
	char *dir = *state;

	chmod(dir, 0755);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
	return 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = xzalloc(1 << 20);
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Number of entries in 'dir' other than . and .. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* Flow lines as ofproto_flow_save() writes them (port numbers only). */
static char *const sample_flows[] = {
        ("table=0,priority=100,cookie=0x1f,idle_timeout=10,tcp,in_port=1,nw_dst=10.0.0.0/24,"
         "tp_dst=80,actions=output:7"),
        "table=0,priority=0,actions=NORMAL",
        "table=3,priority=5,arp,actions=drop",
};

/* br0 has stored flows, br1 has none (a document from before flows). */
static struct config *sample_config(void)
{
	struct config *cfg = config_create();
	struct config_bridge *br0 = config_add_bridge(cfg, "br0");
	struct config_bridge *br1 = config_add_bridge(cfg, "br1");

	br0->mac_aging = 60;
	br0->mac_table_size = 100;
	br0->flow_limit = 5000;
	config_bridge_set_flows(br0, sample_flows, ARRAY_SIZE(sample_flows));
	config_bridge_add_port(br0, "p1", 1, "veth", "p1-ns", "ns1");
	config_bridge_add_port(br0, "eth9", 7, "system", NULL, NULL);
	config_bridge_add_port(br1, "tap0", 2, "tap", NULL, NULL);
	config_bridge_add_port(br1, "v2", 3, "veth", "v2-peer", NULL);
	return cfg;
}

static void assert_config_equal(const struct config *a, const struct config *b)
{
	assert_int_equal(a->n_bridges, b->n_bridges);
	for (size_t i = 0; i < a->n_bridges; i++) {
		const struct config_bridge *x = a->bridges[i], *y = b->bridges[i];

		assert_string_equal(x->name, y->name);
		assert_string_equal(x->datapath, y->datapath);
		assert_int_equal(x->mac_aging, y->mac_aging);
		assert_int_equal(x->mac_table_size, y->mac_table_size);
		assert_int_equal(x->flow_limit, y->flow_limit);
		assert_int_equal(x->has_flows, y->has_flows);
		assert_int_equal(x->n_flows, y->n_flows);
		for (size_t j = 0; j < x->n_flows; j++)
			assert_string_equal(x->flows[j], y->flows[j]);
		assert_int_equal(x->n_ports, y->n_ports);
		for (size_t j = 0; j < x->n_ports; j++) {
			const struct config_port *p = x->ports[j], *q = y->ports[j];

			assert_string_equal(p->name, q->name);
			assert_int_equal(p->ofport, q->ofport);
			assert_string_equal(p->type, q->type);
			assert_true((!p->peer && !q->peer) ||
			            (p->peer && q->peer && !strcmp(p->peer, q->peer)));
			assert_true((!p->netns && !q->netns) ||
			            (p->netns && q->netns && !strcmp(p->netns, q->netns)));
		}
	}
}

/* ---- model ----------------------------------------------------------- */

static void test_model(void **state)
{
	struct config *cfg = sample_config(), *copy;
	struct config_bridge *br;
	struct config_port *p;

	(void)state;
	/* Ordered by name / by ofport. */
	assert_string_equal(cfg->bridges[0]->name, "br0");
	assert_string_equal(cfg->bridges[0]->ports[0]->name, "p1");
	assert_string_equal(cfg->bridges[0]->ports[1]->name, "eth9");

	p = config_find_port(cfg, "v2", &br);
	assert_non_null(p);
	assert_string_equal(br->name, "br1");
	assert_null(config_find_port(cfg, "nope", NULL));
	p = config_find_ofport(cfg, 7, &br);
	assert_non_null(p);
	assert_string_equal(p->name, "eth9");
	assert_string_equal(br->name, "br0");
	assert_null(config_find_ofport(cfg, 4, NULL));

	/* Lowest unused ofport across the whole switch: 1,2,3,7 are taken. */
	assert_int_equal(config_next_ofport(cfg), 4);

	/* A clone is independent. */
	copy = config_clone(cfg);
	assert_config_equal(cfg, copy);
	assert_int_equal(config_remove_bridge(copy, "br1"), 0);
	assert_int_equal(config_remove_bridge(copy, "br1"), -ENOENT);
	assert_int_equal(config_next_ofport(copy), 2);
	assert_int_equal(cfg->n_bridges, 2);
	assert_non_null(config_find_port(cfg, "tap0", NULL));

	br = config_find_bridge(copy, "br0");
	assert_int_equal(config_bridge_remove_port(br, "p1"), 0);
	assert_int_equal(config_bridge_remove_port(br, "p1"), -ENOENT);
	assert_int_equal(config_next_ofport(copy), 1);
	assert_int_equal(cfg->bridges[0]->n_ports, 2);

	/* Flow lines: copied, compared, replaced independently of the clone. */
	assert_true(config_bridge_flows_equal(br, sample_flows, ARRAY_SIZE(sample_flows)));
	assert_false(config_bridge_flows_equal(br, sample_flows, 2));
	config_bridge_set_flows(br, &sample_flows[1], 1);
	assert_true(config_bridge_flows_equal(br, &sample_flows[1], 1));
	assert_false(config_bridge_flows_equal(br, &sample_flows[0], 1));
	assert_int_equal(cfg->bridges[0]->n_flows, ARRAY_SIZE(sample_flows));
	config_bridge_set_flows(br, br->flows, br->n_flows); /* its own lines */
	assert_true(config_bridge_flows_equal(br, &sample_flows[1], 1));
	config_bridge_set_flows(br, NULL, 0); /* no rules at all is not "default" */
	assert_true(br->has_flows);
	assert_int_equal(br->n_flows, 0);
	assert_true(config_bridge_flows_equal(br, NULL, 0));
	assert_false(config_bridge_flows_equal(cfg->bridges[1], NULL, 0)); /* no key */
	config_free(copy);
	config_free(cfg);
	config_free(NULL);
}

static void test_next_ofport_full(void **state)
{
	struct config *cfg = config_create();
	struct config_bridge *br = config_add_bridge(cfg, "br0");
	char name[16];

	(void)state;
	for (uint32_t i = 1; i <= CONFIG_OFPORT_MAX; i++) {
		snprintf(name, sizeof(name), "p%u", i);
		if (i != 300)
			config_bridge_add_port(br, name, i, "system", NULL, NULL);
	}
	assert_int_equal(config_next_ofport(cfg), 300);
	config_bridge_add_port(br, "last", 300, "system", NULL, NULL);
	assert_int_equal(config_next_ofport(cfg), 0);
	config_free(cfg);
}

/* ---- JSON ------------------------------------------------------------ */

static void test_round_trip(void **state)
{
	const char *dir = *state;
	struct config *cfg = sample_config(), *back = NULL;
	struct errmsg err = {""};
	char *text = config_format(cfg), *path, *saved;

	assert_int_equal(config_parse(text, strlen(text), &back, &err), 0);
	assert_config_equal(cfg, back);
	config_free(back);

	/* Through a file, into a directory that does not exist yet. */
	path = xasprintf("%s/a/b/conf.json", dir);
	assert_int_equal(config_save(path, cfg, &err), 0);
	assert_int_equal(config_load(path, &back, &err), 0);
	assert_config_equal(cfg, back);
	saved = read_file(path);
	assert_string_equal(saved, text);
	config_free(back);
	free(saved);

	/* Only the file itself is left in its directory. */
	free(path);
	path = xasprintf("%s/a/b", dir);
	assert_int_equal(count_entries(path), 1);

	free(path);
	free(text);
	config_free(cfg);
}

#define HEAD "{\"format\":\"patchbay-config\",\"version\":1,\"bridges\":"
#define P1   "{\"name\":\"p1\",\"ofport\":1,\"type\":\"system\"}"

static void test_parse_minimal(void **state)
{
	const char *text = "{\"format\":\"patchbay-config\",\"version\":1,\"bridges\":"
	                   "[{\"name\":\"br0\"}]}";
	struct config *cfg = NULL;
	struct errmsg err = {""};

	(void)state;
	assert_int_equal(config_parse(text, strlen(text), &cfg, &err), 0);
	assert_int_equal(cfg->n_bridges, 1);
	assert_string_equal(cfg->bridges[0]->datapath, "socket");
	assert_int_equal(cfg->bridges[0]->mac_aging, 300);
	assert_int_equal(cfg->bridges[0]->mac_table_size, 8192);
	assert_int_equal(cfg->bridges[0]->flow_limit, CONFIG_FLOW_LIMIT_DEFAULT);
	assert_false(cfg->bridges[0]->has_flows); /* no key: the default rules */
	assert_int_equal(cfg->bridges[0]->n_ports, 0);
	config_free(cfg);
}

/* Flows and flow-limit survive formatting and parsing; a bridge without
 * the "flows" key is written without it again, one with an empty list
 * keeps the empty list. */
static void test_flows_round_trip(void **state)
{
	const char *text =
	        HEAD "[{\"name\":\"a\",\"flow-limit\":16000000,\"flows\":[]},"
	             "{\"name\":\"b\"},{\"name\":\"c\",\"flows\":["
	             "\"table=1,priority=7,hard_timeout=30,ip,nw_src=10.1.0.0/16,"
	             "actions=mod_nw_dst:10.2.0.1,output:3\",\"priority=0,actions=NORMAL\"]}]}";
	struct config *cfg = NULL, *back = NULL;
	struct errmsg err = {""};
	char *out;

	(void)state;
	assert_int_equal(config_parse(text, strlen(text), &cfg, &err), 0);
	assert_true(cfg->bridges[0]->has_flows);
	assert_int_equal(cfg->bridges[0]->n_flows, 0);
	assert_int_equal(cfg->bridges[0]->flow_limit, 16000000);
	assert_false(cfg->bridges[1]->has_flows);
	assert_int_equal(cfg->bridges[2]->n_flows, 2);
	assert_string_equal(cfg->bridges[2]->flows[1], "priority=0,actions=NORMAL");

	out = config_format(cfg);
	assert_non_null(strstr(out, "\"flow-limit\": 16000000"));
	assert_non_null(strstr(out, "\"flows\": []"));
	assert_int_equal(config_parse(out, strlen(out), &back, &err), 0);
	assert_config_equal(cfg, back);
	free(out);
	config_free(back);
	config_free(cfg);
}

/* Port VLAN settings and mirrors: round trip, clone, strict errors. */
static void test_vlan_mirrors(void **state)
{
	static const char doc[] =
	        "{\"format\":\"patchbay-config\",\"version\":1,\"bridges\":[{\"name\":\"b\","
	        "\"ports\":[{\"name\":\"p1\",\"ofport\":1,\"type\":\"internal\","
	        "\"vlan-mode\":\"dot1q-tunnel\",\"tag\":100,\"cvlans\":\"7,1-5\"},"
	        "{\"name\":\"p2\",\"ofport\":2,\"type\":\"internal\",\"trunks\":\"10\"}],"
	        "\"mirrors\":[{\"name\":\"m\",\"select-src\":[\"p1\"],\"select-dst\":[\"p2\"],"
	        "\"select-vlan\":\"3\",\"output-vlan\":7},"
	        "{\"name\":\"a\",\"select-all\":true,\"output-port\":\"p2\"}]}]}";
	static const char *const bad[][2] = {
	        {"\"vlan-mode\":\"bogus\"", "unknown mode"},
	        {"\"tag\":4096", "tag: expected an integer 0..4095"},
	        {"\"vlan-mode\":\"access\"", "needs a tag"},
	        {"\"tag\":1,\"trunks\":\"2\"", "takes no trunks"},
	        {"\"trunks\":\"\"", "trunks: expected a non-empty string"},
	};
	struct config *cfg, *again, *copy;
	struct errmsg err;
	char *text, *text2, buf[512];

	assert_int_equal(config_parse(doc, strlen(doc), &cfg, &err), 0);
	assert_int_equal(cfg->bridges[0]->n_mirrors, 2);
	assert_string_equal(cfg->bridges[0]->mirrors[0].name, "a"); /* sorted */
	assert_int_equal(cfg->bridges[0]->ports[0]->vlan.tag, 100);
	copy = config_clone(cfg);
	text = config_format(cfg);
	text2 = config_format(copy);
	assert_string_equal(text, text2);
	assert_non_null(strstr(text, "\"cvlans\": \"1-5,7\""));
	assert_int_equal(config_parse(text, strlen(text), &again, &err), 0);
	free(text2);
	text2 = config_format(again);
	assert_string_equal(text, text2);
	free(text);
	free(text2);
	config_free(again);
	config_free(copy);
	config_free(cfg);

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(buf, sizeof buf,
		         "{\"format\":\"patchbay-config\",\"version\":1,\"bridges\":[{\"name\":"
		         "\"b\",\"ports\":[{\"name\":\"p1\",\"ofport\":1,\"type\":\"internal\","
		         "%s}]}]}",
		         bad[i][0]);
		assert_int_equal(config_parse(buf, strlen(buf), &cfg, &err), -EINVAL);
		assert_null(cfg);
		if (!strstr(err.msg, bad[i][1]) || !strstr(err.msg, "bridges[0].ports[0]"))
			fail_msg("%s: %s", bad[i][0], err.msg);
	}
	snprintf(buf, sizeof buf, "%s",
	         "{\"format\":\"patchbay-config\",\"version\":1,\"bridges\":[{\"name\":\"b\","
	         "\"mirrors\":[{\"name\":\"m\",\"select-all\":true}]}]}");
	assert_int_equal(config_parse(buf, strlen(buf), &cfg, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "bridges[0].mirrors[0]: mirror m: exactly one"));
}

static void test_parse_errors(void **state)
{
	static const struct {
		const char *text;
		const char *msg; /* expected (sub)string of the error */
	} cases[] = {
	        {"", "not valid JSON"},
	        {"{\"format\":\"patchbay-config\",\"vers", "not valid JSON"},
	        {"{\"format\":\"patchbay-config\"", "not valid JSON"},
	        {"not json", "not valid JSON"},
	        {"[]", "expected a JSON object at the top level"},
	        {"{}", "format: missing"},
	        {"{\"format\":\"other\",\"version\":1,\"bridges\":[]}", "format: expected"},
	        {"{\"format\":\"patchbay-config\",\"bridges\":[]}", "version: missing"},
	        {"{\"format\":\"patchbay-config\",\"version\":2,\"bridges\":[]}",
	         "version: unsupported"},
	        {"{\"format\":\"patchbay-config\",\"version\":1}", "bridges: missing"},
	        {HEAD "{}}", "bridges: expected an array"},
	        {HEAD "[], \"extra\":1}", "unknown key 'extra'"},
	        {HEAD "[], \"bridges\":[]}", "not valid JSON"}, /* duplicate key */
	        {HEAD "[1]}", "bridges[0]: expected an object"},
	        {HEAD "[{}]}", "bridges[0].name: missing"},
	        {HEAD "[{\"name\":\"-bad\"}]}", "bridges[0].name '-bad' must not start"},
	        {HEAD "[{\"name\":\"b\",\"colour\":\"red\"}]}", "bridges[0]: unknown key 'colour'"},
	        {HEAD "[{\"name\":\"b\",\"mac-aging\":5}]}",
	         "bridges[0].mac-aging: expected an integer 10..1000000"},
	        {HEAD "[{\"name\":\"b\",\"mac-table-size\":\"8\"}]}",
	         "bridges[0].mac-table-size: expected an integer 1..1048576"},
	        {HEAD "[{\"name\":\"b\",\"datapath\":\"xdp\"}]}",
	         "bridges[0].datapath: datapath 'xdp' is not available (available: socket)"},
	        {HEAD "[{\"name\":\"b\"},{\"name\":\"b\"}]}",
	         "bridges[1].name: duplicate bridge name 'b'"},
	        {HEAD "[{\"name\":\"b\",\"ports\":{}}]}", "bridges[0].ports: expected an array"},
	        {HEAD "[{\"name\":\"b\",\"ports\":[" P1 ",{\"name\":\"p2\",\"ofport\":0,"
	              "\"type\":\"system\"}]}]}",
	         "bridges[0].ports[1].ofport: expected an integer 1..65279"},
	        {HEAD "[{\"name\":\"b\",\"ports\":[" P1 ",{\"name\":\"p2\",\"ofport\":65280,"
	              "\"type\":\"system\"}]}]}",
	         "bridges[0].ports[1].ofport: expected an integer 1..65279"},
	        {HEAD "[{\"name\":\"b\",\"ports\":[" P1 ",{\"name\":\"p2\",\"ofport\":1.5,"
	              "\"type\":\"system\"}]}]}",
	         "bridges[0].ports[1].ofport: expected an integer 1..65279"},
	        {HEAD "[{\"name\":\"b\",\"ports\":[{\"name\":\"p2\",\"type\":\"system\"}]}]}",
	         "bridges[0].ports[0].ofport: missing"},
	        {HEAD "[{\"name\":\"b\",\"ports\":[{\"name\":\"p2\",\"ofport\":2}]}]}",
	         "bridges[0].ports[0].type: missing"},
	        {HEAD
	         "[{\"name\":\"b\",\"ports\":[{\"name\":\"p2\",\"ofport\":2,\"type\":\"x\"}]}]}",
	         "bridges[0].ports[0].type: unknown port type 'x'"},
	        {HEAD "[{\"name\":\"b\",\"ports\":[{\"name\":\"p2\",\"ofport\":2,"
	              "\"type\":\"veth\"}]}]}",
	         "bridges[0].ports[0].peer: missing (required for type veth)"},
	        {HEAD "[{\"name\":\"b\",\"ports\":[{\"name\":\"p2\",\"ofport\":2,"
	              "\"type\":\"tap\",\"peer\":\"x\"}]}]}",
	         "bridges[0].ports[0].peer: only allowed with type veth"},
	        {HEAD "[{\"name\":\"b\",\"ports\":[{\"name\":\"p2\",\"ofport\":2,"
	              "\"type\":\"veth\",\"peer\":\"x\",\"netns\":\"a/b\"}]}]}",
	         "bridges[0].ports[0].netns 'a/b' has an invalid character"},
	        {HEAD "[{\"name\":\"b\",\"ports\":[{\"name\":\"p2\",\"ofport\":2,"
	              "\"type\":\"system\",\"mtu\":1}]}]}",
	         "bridges[0].ports[0]: unknown key 'mtu'"},
	        {HEAD "[{\"name\":\"a\",\"ports\":[" P1 "]},{\"name\":\"b\",\"ports\":[" P1 "]}]}",
	         "bridges[1].ports[0].name: duplicate port name 'p1' (also on bridge a)"},
	        {HEAD "[{\"name\":\"a\",\"ports\":[" P1 "]},{\"name\":\"b\",\"ports\":["
	              "{\"name\":\"p2\",\"ofport\":1,\"type\":\"system\"}]}]}",
	         "bridges[1].ports[0].ofport: 1 is already used by port p1"},
	        {HEAD "[{\"name\":\"b\",\"ports\":[{\"name\":\"p2\\u0000x\",\"ofport\":2,"
	              "\"type\":\"system\"}]}]}",
	         "not valid JSON"},
	        {HEAD "[{\"name\":\"b\",\"flow-limit\":0}]}",
	         "bridges[0].flow-limit: expected an integer 1..16000000"},
	        {HEAD "[{\"name\":\"b\",\"flow-limit\":16000001}]}",
	         "bridges[0].flow-limit: expected an integer 1..16000000"},
	        {HEAD "[{\"name\":\"b\",\"flows\":\"actions=drop\"}]}",
	         "bridges[0].flows: expected an array"},
	        {HEAD "[{\"name\":\"b\",\"flows\":[\"actions=drop\",7]}]}",
	         "bridges[0].flows[1]: expected a string"},
	        {HEAD "[{\"name\":\"a\"},{\"name\":\"b\",\"flows\":[\"actions=drop\","
	              "\"ip,actions=drop\",\"priority=1,actions=NORMAL\",\"x=1,actions=drop\"]}]}",
	         "bridges[1].flows[3]: unknown field 'x'"},
	        {HEAD "[{\"name\":\"b\",\"flows\":[\"priority=1,in_port=1\"]}]}",
	         "bridges[0].flows[0]: must specify an action"},
	        /* The store holds port numbers: a name is not resolved. */
	        {HEAD "[{\"name\":\"b\",\"flows\":[\"in_port=p1,actions=drop\"]}]}",
	         "bridges[0].flows[0]: in_port: 'p1' is not a valid port number or name"},
	        {HEAD "[{\"name\":\"b\",\"flows\":[\"tcp_dst=80,actions=drop\"]}]}",
	         "bridges[0].flows[0]: tcp_dst requires"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct config *cfg = (struct config *)&cases; /* must be reset to NULL */
		struct errmsg err = {""};
		int error = config_parse(cases[i].text, strlen(cases[i].text), &cfg, &err);

		if (error != -EINVAL || !strstr(err.msg, cases[i].msg) || cfg)
			fail_msg("case %zu: %s -> %d '%s', expected '%s'", i, cases[i].text, error,
			         err.msg, cases[i].msg);
		assert_null(strchr(err.msg, '\n'));
	}
}

/* ---- files ----------------------------------------------------------- */

static void test_load_missing(void **state)
{
	const char *dir = *state;
	char *path = xasprintf("%s/none/conf.json", dir);
	struct config *cfg = NULL;
	struct errmsg err = {""};

	assert_int_equal(config_load(path, &cfg, &err), 0);
	assert_non_null(cfg);
	assert_int_equal(cfg->n_bridges, 0);
	/* Loading creates nothing. */
	assert_int_equal(count_entries(dir), 0);
	config_free(cfg);
	free(path);
}

static void test_load_corrupt(void **state)
{
	static const char *const bad[] = {
	        "{\"format\":\"patchbay-config\",\"version\":1,\"bridges\":[{\"name\":\"br0\"",
	        "garbage\n",
	        "{\"format\":\"patchbay-config\",\"version\":1,\"bridges\":[{\"name\":7}]}\n",
	        ("{\"format\":\"patchbay-config\",\"version\":1,\"bridges\":[{\"name\":\"br0\","
	         "\"flows\":[\"priority=0,actions=NORMAL\",\"actions=outptu:1\"]}]}\n"),
	};
	const char *dir = *state;
	char *path = xasprintf("%s/conf.json", dir);

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct config *cfg = NULL;
		struct errmsg err = {""};
		struct stat before, after;
		char *text;

		write_file(path, bad[i]);
		assert_int_equal(stat(path, &before), 0);
		assert_int_equal(config_load(path, &cfg, &err), -EINVAL);
		assert_null(cfg);
		assert_true(strlen(err.msg) > 0);
		text = read_file(path);
		assert_string_equal(text, bad[i]);
		assert_int_equal(stat(path, &after), 0);
		assert_int_equal(before.st_ino, after.st_ino);
		assert_int_equal(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
		free(text);
		if (i == ARRAY_SIZE(bad) - 1) /* a bad flow line is named by its index */
			assert_string_equal(
			        err.msg, "bridges[0].flows[1]: actions: unknown action 'outptu'");
	}
	/* A directory where the file should be is an error too, not "empty". */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	{
		struct config *cfg = NULL;
		struct errmsg err = {""};

		assert_true(config_load(path, &cfg, &err) < 0);
		assert_null(cfg);
		assert_true(strlen(err.msg) > 0);
	}
	free(path);
}

static void test_save_parent_is_file(void **state)
{
	const char *dir = *state;
	char *file = xasprintf("%s/afile", dir), *path = xasprintf("%s/afile/conf.json", dir);
	char *deep = xasprintf("%s/afile/x/conf.json", dir), *text;
	struct config *cfg = sample_config();
	struct errmsg err = {""};

	write_file(file, "keep\n");
	assert_int_equal(config_save(path, cfg, &err), -ENOTDIR);
	assert_non_null(strstr(err.msg, "not a directory"));
	assert_true(config_save(deep, cfg, &err) < 0);
	text = read_file(file);
	assert_string_equal(text, "keep\n");
	assert_int_equal(count_entries(dir), 1);
	free(text);
	free(file);
	free(path);
	free(deep);
	config_free(cfg);
}

static void test_save_rename_fails(void **state)
{
	const char *dir = *state;
	char *path = xasprintf("%s/conf.json", dir), *inner = xasprintf("%s/conf.json/x", dir);
	struct config *cfg = sample_config();
	struct errmsg err = {""};

	/* The target is a non-empty directory: rename() fails after the temp
	 * file was written; the temp file must be gone. */
	assert_int_equal(mkdir(path, 0755), 0);
	write_file(inner, "x");
	assert_true(config_save(path, cfg, &err) < 0);
	assert_non_null(strstr(err.msg, "cannot rename"));
	assert_int_equal(count_entries(dir), 1);
	free(path);
	free(inner);
	config_free(cfg);
}

static void test_save_write_fails(void **state)
{
	const char *dir = *state;
	char *path = xasprintf("%s/conf.json", dir), *before, *after;
	struct config *small = config_create(), *cfg = sample_config();
	struct errmsg err = {""};
	struct rlimit old, lim;

	assert_int_equal(config_save(path, small, &err), 0);
	before = read_file(path);

	/* Let the new file grow to only 16 bytes: write() fails with EFBIG. */
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 16;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(config_save(path, cfg, &err), -EFBIG);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);

	assert_non_null(strstr(err.msg, "cannot write"));
	after = read_file(path);
	assert_string_equal(before, after);
	assert_int_equal(count_entries(dir), 1);

	/* And a later save works. */
	assert_int_equal(config_save(path, cfg, &err), 0);
	free(after);
	after = read_file(path);
	assert_string_not_equal(before, after);
	assert_int_equal(count_entries(dir), 1);
	free(before);
	free(after);
	free(path);
	config_free(cfg);
	config_free(small);
}

/* Runs in a child that may have dropped root, so that permissions apply. */
static int save_into_readonly_dir(const char *dir, const char *path)
{
	struct config *cfg = sample_config();
	struct errmsg err = {""};
	int error = config_save(path, cfg, &err);

	config_free(cfg);
	if (error != -EACCES || !strstr(err.msg, "cannot create a temporary file"))
		return 1;
	return count_entries(dir) == 1 ? 0 : 2;
}

static void test_save_readonly_dir(void **state)
{
	const char *dir = *state;
	char *path = xasprintf("%s/conf.json", dir), *before, *after;
	struct config *small = config_create();
	struct errmsg err = {""};
	int status;
	pid_t pid;

	assert_int_equal(config_save(path, small, &err), 0);
	before = read_file(path);
	assert_int_equal(chmod(dir, 0555), 0);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* root ignores directory permissions: become 'nobody' first. */
		if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
			_exit(3);
		_exit(save_into_readonly_dir(dir, path));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	assert_int_equal(chmod(dir, 0755), 0);
	after = read_file(path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	free(path);
	config_free(small);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_model),
	        cmocka_unit_test(test_next_ofport_full),
	        cmocka_unit_test(test_parse_minimal),
	        cmocka_unit_test(test_parse_errors),
	        cmocka_unit_test(test_vlan_mirrors),
	        cmocka_unit_test(test_flows_round_trip),
	        cmocka_unit_test_setup_teardown(test_round_trip, setup_dir, teardown_dir),
	        cmocka_unit_test_setup_teardown(test_load_missing, setup_dir, teardown_dir),
	        cmocka_unit_test_setup_teardown(test_load_corrupt, setup_dir, teardown_dir),
	        cmocka_unit_test_setup_teardown(test_save_parent_is_file, setup_dir, teardown_dir),
	        cmocka_unit_test_setup_teardown(test_save_rename_fails, setup_dir, teardown_dir),
	        cmocka_unit_test_setup_teardown(test_save_write_fails, setup_dir, teardown_dir),
	        cmocka_unit_test_setup_teardown(test_save_readonly_dir, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
