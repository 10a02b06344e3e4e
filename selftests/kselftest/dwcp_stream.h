/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Streams over loopback for the ULP kselftests (ulp_traffic, ulp_chaos):
 * connected pairs, a pattern stream with a hash that does not depend on
 * how it is cut into writes and reads, and small resctl/socket helpers.
 * Include after kselftest_harness.h and dwcp_test.h.
 */
#ifndef DWCP_STREAM_H
#define DWCP_STREAM_H

#include <errno.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/dwcp_res.h>

#ifndef TCP_ULP
#define TCP_ULP 31
#endif

#define PAT_LEN		((1 << 20) + 4099)	/* not a multiple of any write */
#define MAX_WRITE	65536

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Counter @key of `resctl -j policy show NAME` (-1 on error): the first
 * one anywhere, or, with @group, the one in that group of "stats".
 */
static inline long long policy_stat_in(const char *name, const char *group,
				       const char *key)
{
	char cmd[256], out[16384], pat[64];
	const char *p = NULL;

	snprintf(cmd, sizeof(cmd), "%s/bin/resctl -j policy show %s", dwcp_dir(), name);
	if (dwcp_run(cmd, out, sizeof(out), NULL, 0))
		return -1;
	if (group) {
		snprintf(pat, sizeof(pat), "\"%s\":{", group);
		p = strstr(out, "\"stats\":");
		p = p ? strstr(p, pat) : NULL;
		if (!p)
			return -1;
	}
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(p ? p : out, pat);
	return p ? atoll(p + strlen(pat)) : -1;
}

static inline long long policy_stat(const char *name, const char *key)
{
	return policy_stat_in(name, NULL, key);
}

static inline int set_class(int fd, int opt, const char *name)
{
	return setsockopt(fd, SOL_DWCP, opt, name, strlen(name));
}

static inline int get_stats(int fd, struct dwcp_res_sock_stats *st)
{
	socklen_t len = sizeof(*st);

	memset(st, 0, sizeof(*st));
	if (getsockopt(fd, SOL_DWCP, DWCP_SO_STATS, st, &len))
		return -1;
	return len == sizeof(*st) ? 0 : -1;
}

/*
 * A connected pair over a local address @addr (IPv4 or IPv6 text): *@a
 * connects, *@b is accepted; the ULP on both when @ulp. Returns 0, or -1
 * with errno (EADDRNOTAVAIL etc. when the address is not local).
 */
static inline int tcp_pair_at(const char *addr, bool ulp, int *a, int *b)
{
	struct sockaddr_storage ss = {};
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	socklen_t slen;
	int lfd, err, family;

	*a = *b = -1;
	if (inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1) {
		family = a6->sin6_family = AF_INET6;
		slen = sizeof(*a6);
	} else if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1) {
		family = a4->sin_family = AF_INET;
		slen = sizeof(*a4);
	} else {
		errno = EINVAL;
		return -1;
	}
	lfd = socket(family, SOCK_STREAM, 0);
	if (lfd < 0)
		return -1;
	if (bind(lfd, (struct sockaddr *)&ss, slen) || listen(lfd, 4) ||
	    getsockname(lfd, (struct sockaddr *)&ss, &slen))
		goto fail;
	*a = socket(family, SOCK_STREAM, 0);
	if (*a < 0 || connect(*a, (struct sockaddr *)&ss, slen))
		goto fail;
	*b = accept(lfd, NULL, NULL);
	if (*b < 0)
		goto fail;
	if (ulp && (setsockopt(*a, SOL_TCP, TCP_ULP, "dwcp", 4) ||
		    setsockopt(*b, SOL_TCP, TCP_ULP, "dwcp", 4)))
		goto fail;
	close(lfd);
	return 0;
fail:
	err = errno;
	close(lfd);
	if (*a >= 0)
		close(*a);
	if (*b >= 0)
		close(*b);
	*a = *b = -1;
	errno = err;
	return -1;
}

/* A connected loopback pair (127.0.0.1 or ::1), as tcp_pair_at(). */
static inline int tcp_pair(int family, bool ulp, int *a, int *b)
{
	return tcp_pair_at(family == AF_INET6 ? "::1" : "127.0.0.1", ulp, a, b);
}

/*
 * A stream hash independent of how the stream is cut into writes and
 * reads: 64-bit words (little-endian, as they come) folded FNV-1a style,
 * with a tail of up to 7 bytes carried to the next piece.
 */
struct shash {
	uint64_t h, word, len;
	unsigned int fill;
};

#define SHASH_INIT { .h = 0xcbf29ce484222325ULL }

static inline void shash_word(struct shash *s, uint64_t w)
{
	s->h = (s->h ^ w) * 0x100000001b3ULL;
	s->h ^= s->h >> 29;
}

static inline void shash_add(struct shash *s, const unsigned char *p, size_t n)
{
	uint64_t w;

	s->len += n;
	while (n && s->fill) {
		s->word |= (uint64_t)*p++ << (8 * s->fill);
		n--;
		if (++s->fill == 8) {
			shash_word(s, s->word);
			s->word = 0;
			s->fill = 0;
		}
	}
	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, 8);
		shash_word(s, w);
	}
	while (n--) {
		s->word |= (uint64_t)*p++ << (8 * s->fill);
		s->fill++;
	}
}

static inline uint64_t shash_final(const struct shash *s)
{
	struct shash t = *s;

	shash_word(&t, t.word ^ t.fill);
	shash_word(&t, t.len);
	return t.h;
}

static inline uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* The stream: byte at offset o is pat[o % PAT_LEN]; pat has MAX_WRITE spare. */
static inline unsigned char *make_pattern(void)
{
	unsigned char *pat = malloc(PAT_LEN + MAX_WRITE);
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t i;

	if (!pat)
		return NULL;
	for (i = 0; i < PAT_LEN; i += 8) {
		uint64_t w = xorshift(&x);

		memcpy(pat + i, &w, 8);	/* PAT_LEN + MAX_WRITE covers i + 8 */
	}
	memcpy(pat + PAT_LEN, pat, MAX_WRITE);
	return pat;
}

/*
 * Send @len bytes of the pattern from @tx in a forked child (write sizes
 * MAX_WRITE, or random 1..MAX_WRITE when @random_sizes), receive on @rx and
 * compare the two sides' hashes. Returns 0 when length and hash agree.
 */
static inline int stream_check(int tx, int rx, uint64_t len, bool random_sizes,
			double *secs, uint64_t *writes)
{
	static unsigned char buf[MAX_WRITE];
	unsigned char *pat = make_pattern();
	struct shash rh = SHASH_INIT;
	uint64_t msg[2] = {}, got = 0;
	double t0 = now_s();
	int pfd[2], st;
	pid_t pid;
	ssize_t n;

	if (!pat || pipe(pfd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct shash sh = SHASH_INIT;
		uint64_t off = 0, x = 12345, nw = 0;

		close(rx);
		close(pfd[0]);
		while (off < len) {
			size_t chunk = MAX_WRITE, done = 0;
			const unsigned char *p = pat + off % PAT_LEN;

			if (random_sizes)
				chunk = 1 + xorshift(&x) % MAX_WRITE;
			if (chunk > len - off)
				chunk = len - off;
			shash_add(&sh, p, chunk);
			while (done < chunk) {
				n = send(tx, p + done, chunk - done, MSG_NOSIGNAL);
				if (n < 0 && errno == EINTR)
					continue;
				if (n <= 0)
					_exit(2);
				done += n;
				nw++;
			}
			off += chunk;
		}
		msg[0] = shash_final(&sh);
		msg[1] = nw;
		if (write(pfd[1], msg, sizeof(msg)) != sizeof(msg))
			_exit(3);
		_exit(0);
	}
	close(pfd[1]);
	while (got < len) {
		n = recv(rx, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		shash_add(&rh, buf, n);
		got += n;
	}
	if (read(pfd[0], msg, sizeof(msg)) != sizeof(msg))
		msg[0] = ~shash_final(&rh);
	close(pfd[0]);
	waitpid(pid, &st, 0);
	free(pat);
	*secs = now_s() - t0;
	*writes = msg[1];
	return got == len && msg[0] == shash_final(&rh) &&
	       WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -1;
}

#endif /* DWCP_STREAM_H */
