/* mirror-cfg.c - the mirror configuration model: options parsed from
 * text, consistency checks, copies (see mirror.h).  Pure: shared by the
 * daemon's config store and ofproto. */
#include "ofproto/mirror.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void mirror_cfg_init(struct mirror_cfg *m, const char *name)
{
	memset(m, 0, sizeof *m);
	m->name = xstrdup(name);
	m->output_vlan = -1;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

void mirror_cfg_uninit(struct mirror_cfg *m)
{
	if (!m)
		return;
	free(m->name);
	free_names(m->src, m->n_src);
	free_names(m->dst, m->n_dst);
	free(m->output_port);
	memset(m, 0, sizeof *m);
	m->output_vlan = -1;
}

static char **copy_names(char *const *names, size_t n)
{
	char **copy = xcalloc(n ? n : 1, sizeof *copy);

	for (size_t i = 0; i < n; i++)
		copy[i] = xstrdup(names[i]);
	return copy;
}

void mirror_cfg_clone(struct mirror_cfg *dst, const struct mirror_cfg *src)
{
	*dst = *src;
	dst->name = xstrdup(src->name);
	dst->src = copy_names(src->src, src->n_src);
	dst->dst = copy_names(src->dst, src->n_dst);
	dst->output_port = src->output_port ? xstrdup(src->output_port) : NULL;
}

/* Splits "a,b,c" into checked port names. */
static int parse_names(const char *key, const char *value, char ***out, size_t *n_out,
                       struct errmsg *err)
{
	char *copy = xstrdup(value), *save = NULL, *tok;
	char **names = NULL;
	size_t n = 0;
	int error = 0;

	if (!*value || value[strlen(value) - 1] == ',' || value[0] == ',' || strstr(value, ",,")) {
		error = errmsg_set(err, -EINVAL, "%s: expected port names separated by commas",
		                   key);
		goto out;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct errmsg nerr = {""};

		if (name_check(tok, "port name", &nerr)) {
			error = errmsg_set(err, -EINVAL, "%s: %s", key, nerr.msg);
			goto out;
		}
		names = xrealloc(names, (n + 1) * sizeof *names);
		names[n++] = xstrdup(tok);
	}
out:
	free(copy);
	if (error) {
		free_names(names, n);
		return error;
	}
	*out = names;
	*n_out = n;
	return 0;
}

int mirror_cfg_set(struct mirror_cfg *m, const char *key, const char *value, struct errmsg *err)
{
	struct errmsg lerr = {""};
	struct vlan_bitmap bm;
	uint64_t n;
	char **names;
	size_t n_names;
	int error;

	if (!strcmp(key, "select-all")) {
		if (strcmp(value, "true") && strcmp(value, "false"))
			return errmsg_set(err, -EINVAL, "select-all: expected true or false");
		m->select_all = !strcmp(value, "true");
	} else if (!strcmp(key, "select-src") || !strcmp(key, "select-dst")) {
		if ((error = parse_names(key, value, &names, &n_names, err)))
			return error;
		if (!strcmp(key, "select-src")) {
			free_names(m->src, m->n_src);
			m->src = names;
			m->n_src = n_names;
		} else {
			free_names(m->dst, m->n_dst);
			m->dst = names;
			m->n_dst = n_names;
		}
	} else if (!strcmp(key, "select-vlan")) {
		if ((error = vlan_list_parse(value, &bm, &lerr)))
			return errmsg_set(err, error, "select-vlan: %s", lerr.msg);
		m->has_vlans = true;
		m->vlans = bm;
	} else if (!strcmp(key, "output-port")) {
		if (name_check(value, "port name", &lerr))
			return errmsg_set(err, -EINVAL, "output-port: %s", lerr.msg);
		free(m->output_port);
		m->output_port = xstrdup(value);
	} else if (!strcmp(key, "output-vlan")) {
		if (parse_uint(value, 1, VLAN_N_VIDS - 1, &n))
			return errmsg_set(err, -EINVAL,
			                  "output-vlan: expected an integer 1..4095, got '%.32s'",
			                  value);
		m->output_vlan = (int)n;
	} else {
		return errmsg_set(err, -EINVAL,
		                  "unknown mirror option '%.32s' (allowed: select-all, select-src, "
		                  "select-dst, select-vlan, output-port, output-vlan)",
		                  key);
	}
	return 0;
}

static bool names_have(char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

static bool names_dup(char *const *names, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (names_have(names, i, names[i]))
			return true;
	return false;
}

int mirror_cfg_check(const struct mirror_cfg *m, struct errmsg *err)
{
	struct errmsg nerr = {""};

	if (!m->name || name_check(m->name, "mirror name", &nerr))
		return errmsg_set(err, -EINVAL, "%s", m->name ? nerr.msg : "mirror name missing");
	if (!m->output_port == (m->output_vlan < 0))
		return errmsg_set(err, -EINVAL,
		                  "mirror %s: exactly one of output-port and output-vlan is needed",
		                  m->name);
	if (!m->select_all && !m->n_src && !m->n_dst)
		return errmsg_set(err, -EINVAL,
		                  "mirror %s: selects nothing (use select-all, select-src or "
		                  "select-dst)",
		                  m->name);
	if (names_dup(m->src, m->n_src) || names_dup(m->dst, m->n_dst))
		return errmsg_set(err, -EINVAL, "mirror %s: a port is selected twice", m->name);
	if (m->output_port && (names_have(m->src, m->n_src, m->output_port) ||
	                       names_have(m->dst, m->n_dst, m->output_port)))
		return errmsg_set(err, -EINVAL, "mirror %s: output port %s cannot also be selected",
		                  m->name, m->output_port);
	return 0;
}

bool mirror_cfg_uses_port(const struct mirror_cfg *m, const char *port)
{
	return names_have(m->src, m->n_src, port) || names_have(m->dst, m->n_dst, port) ||
	       (m->output_port && !strcmp(m->output_port, port));
}
