/* test-ofagent-stream.c - unit tests for src/ofagent/stream.c: parsing
 * connection targets (accepted forms, canonical names, clear errors) and
 * the sockets behind them (listen on an ephemeral port, connect, accept,
 * port in use, stale punix sockets). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ofagent/stream.h"

static void test_parse_ok(void **state)
{
	static const struct {
		const char *in;
		unsigned int allowed;
		const char *name;
	} cases[] = {
	        {"tcp:127.0.0.1", OFSTREAM_ACTIVE, "tcp:127.0.0.1:6653"},
	        {"tcp:10.1.2.3:6633", OFSTREAM_ACTIVE, "tcp:10.1.2.3:6633"},
	        {"tcp:[::1]:7000", OFSTREAM_ACTIVE, "tcp:[::1]:7000"},
	        {"tcp:[fe80::1]", OFSTREAM_ACTIVE, "tcp:[fe80::1]:6653"},
	        {"unix:/run/ctl.sock", OFSTREAM_ACTIVE, "unix:/run/ctl.sock"},
	        {"ptcp:", OFSTREAM_PASSIVE, "ptcp:6653:0.0.0.0"},
	        {"ptcp:6634", OFSTREAM_PASSIVE, "ptcp:6634:0.0.0.0"},
	        {"ptcp:0:127.0.0.1", OFSTREAM_PASSIVE, "ptcp:0:127.0.0.1"},
	        {"ptcp::127.0.0.1", OFSTREAM_PASSIVE, "ptcp:6653:127.0.0.1"},
	        {"ptcp:6653:[::1]", OFSTREAM_PASSIVE, "ptcp:6653:[::1]"},
	        {"punix:/tmp/x.sock", OFSTREAM_PASSIVE, "punix:/tmp/x.sock"},
	        {"tcp:1.2.3.4:1", OFSTREAM_ACTIVE | OFSTREAM_PASSIVE, "tcp:1.2.3.4:1"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ofstream_target t;
		struct errmsg err = {""};

		assert_int_equal(ofstream_parse(cases[i].in, cases[i].allowed, &t, &err), 0);
		assert_string_equal(t.name, cases[i].name);
		assert_string_equal(err.msg, "");
	}
}

static void test_parse_bad(void **state)
{
	static const struct {
		const char *in;
		unsigned int allowed;
		const char *msg; /* a substring of the error */
	} cases[] = {
	        {"", OFSTREAM_ACTIVE, "expected tcp:IP[:PORT] or unix:PATH"},
	        {"127.0.0.1:6653", OFSTREAM_ACTIVE, "unknown connection method '127.0.0.1'"},
	        {"ssl:1.2.3.4", OFSTREAM_ACTIVE, "unknown connection method 'ssl'"},
	        {"tcp:", OFSTREAM_ACTIVE, "missing the IP address"},
	        {"tcp:controller.example:6653", OFSTREAM_ACTIVE, "is not an IP address"},
	        {"tcp:1.2.3:80", OFSTREAM_ACTIVE, "'1.2.3' is not an IP address"},
	        {"tcp:1.2.3.4:0", OFSTREAM_ACTIVE, "'0' is not a port number"},
	        {"tcp:1.2.3.4:65536", OFSTREAM_ACTIVE, "is not a port number"},
	        {"tcp:1.2.3.4:x", OFSTREAM_ACTIVE, "is not a port number"},
	        {"tcp:[::1", OFSTREAM_ACTIVE, "is not an IP address"},
	        {"unix:", OFSTREAM_ACTIVE, "missing the socket path"},
	        {"unix:rel.sock", OFSTREAM_ACTIVE, "must be absolute"},
	        {"ptcp:6653", OFSTREAM_ACTIVE, "a passive target is not allowed here"},
	        {"tcp:1.2.3.4", OFSTREAM_PASSIVE, "an active target is not allowed here"},
	        {"ptcp:99999", OFSTREAM_PASSIVE, "'99999' is not a port number"},
	        {"ptcp:6653:host", OFSTREAM_PASSIVE, "'host' is not an IP address"},
	        {"ptcp:6653:", OFSTREAM_PASSIVE, "is not an IP address"},
	        {"punix:/a\nb", OFSTREAM_PASSIVE, "control character"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ofstream_target t;
		struct errmsg err = {""};

		assert_int_equal(ofstream_parse(cases[i].in, cases[i].allowed, &t, &err), -EINVAL);
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("'%s': error '%s' lacks '%s'", cases[i].in, err.msg, cases[i].msg);
		assert_null(strchr(err.msg, '\n'));
	}
}

static void test_parse_long_path(void **state)
{
	char path[200] = "unix:/";
	struct ofstream_target t;
	struct errmsg err;

	memset(path + 6, 'a', 150);
	path[156] = '\0';
	assert_int_equal(ofstream_parse(path, OFSTREAM_ACTIVE, &t, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "too long"));
}

/* Listens on an ephemeral port of 127.0.0.1, connects, accepts. */
static void test_tcp_listen_connect(void **state)
{
	struct ofstream_target lt, ct;
	char bound[OFSTREAM_NAME_MAX], target[OFSTREAM_NAME_MAX], peer[OFSTREAM_NAME_MAX];
	struct errmsg err = {""};
	int lfd, cfd, afd = -1, error;
	unsigned int port;
	struct pollfd pfd;

	assert_int_equal(ofstream_parse("ptcp:0:127.0.0.1", OFSTREAM_PASSIVE, &lt, &err), 0);
	assert_int_equal(ofstream_listen(&lt, &lfd, &err), 0);
	assert_int_equal(ofstream_accept(lfd, &afd, peer, sizeof(peer)), -EAGAIN);
	ofstream_listen_name(&lt, lfd, bound, sizeof(bound));
	assert_int_equal(sscanf(bound, "ptcp:%u:127.0.0.1", &port), 1);
	assert_true(port > 0);

	/* The same port again is in use, with a clear message. */
	{
		struct ofstream_target again;
		char spec[64];
		int fd2;

		snprintf(spec, sizeof(spec), "ptcp:%u:127.0.0.1", port);
		assert_int_equal(ofstream_parse(spec, OFSTREAM_PASSIVE, &again, NULL), 0);
		assert_int_equal(ofstream_listen(&again, &fd2, &err), -EADDRINUSE);
		assert_non_null(strstr(err.msg, "is already in use"));
		assert_int_equal(fd2, -1);
	}

	snprintf(target, sizeof(target), "tcp:127.0.0.1:%u", port);
	assert_int_equal(ofstream_parse(target, OFSTREAM_ACTIVE, &ct, &err), 0);
	error = ofstream_connect(&ct, &cfd);
	assert_true(error == 0 || error == -EINPROGRESS);
	pfd = (struct pollfd){.fd = cfd, .events = POLLOUT};
	assert_int_equal(poll(&pfd, 1, 2000), 1);
	assert_int_equal(ofstream_connect_result(cfd), 0);
	pfd = (struct pollfd){.fd = lfd, .events = POLLIN};
	assert_int_equal(poll(&pfd, 1, 2000), 1);
	assert_int_equal(ofstream_accept(lfd, &afd, peer, sizeof(peer)), 0);
	assert_true(afd >= 0);
	assert_non_null(strstr(peer, "127.0.0.1:"));
	close(afd);
	close(cfd);
	ofstream_listen_close(&lt, lfd);
}

static void test_connect_refused(void **state)
{
	struct ofstream_target t;
	int fd;

	assert_int_equal(
	        ofstream_parse("unix:/nonexistent-dir-pb/x.sock", OFSTREAM_ACTIVE, &t, NULL), 0);
	assert_int_equal(ofstream_connect(&t, &fd), -ENOENT);
	assert_int_equal(fd, -1);
}

static void test_punix(void **state)
{
	char dir[] = "/tmp/pbstreamXXXXXX", spec[128], path[100];
	struct ofstream_target t;
	struct errmsg err = {""};
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd, fd2, stale;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/of.sock", dir);
	snprintf(spec, sizeof(spec), "punix:%s", path);
	assert_int_equal(ofstream_parse(spec, OFSTREAM_PASSIVE, &t, &err), 0);

	/* A stale socket file (nobody listening) is replaced. */
	stale = socket(AF_UNIX, SOCK_STREAM, 0);
	strcpy(sun.sun_path, path);
	assert_int_equal(bind(stale, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(stale);
	assert_int_equal(ofstream_listen(&t, &fd, &err), 0);

	/* A live one is in use. */
	assert_int_equal(ofstream_listen(&t, &fd2, &err), -EADDRINUSE);
	assert_non_null(strstr(err.msg, "in use"));
	ofstream_listen_close(&t, fd);
	assert_int_equal(access(path, F_OK), -1);

	/* A regular file is never removed. */
	close(open(path, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(ofstream_listen(&t, &fd2, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "not a socket"));
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_parse_ok),        cmocka_unit_test(test_parse_bad),
	        cmocka_unit_test(test_parse_long_path), cmocka_unit_test(test_tcp_listen_connect),
	        cmocka_unit_test(test_connect_refused), cmocka_unit_test(test_punix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
