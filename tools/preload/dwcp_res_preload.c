// SPDX-License-Identifier: GPL-2.0
/*
 * libdwcp_res_preload.so: put the TCP sockets of an unmodified program
 * under dwcp_res, with LD_PRELOAD (see Documentation/ulp.rst, "Unmodified
 * programs", and "resctl exec" in resctl(8)).
 *
 * connect() and accept()/accept4() are wrapped. When one of them yields an
 * ESTABLISHED TCP socket (AF_INET/AF_INET6, SOCK_STREAM, IPPROTO_TCP), the
 * shim sets TCP_ULP "dwcp" on it and then the class(es) from the
 * environment:
 *
 *   DWCP_RES_CLASS        both directions (DWCP_SO_CLASS)
 *   DWCP_RES_SEND_CLASS   sends only (DWCP_SO_SEND_CLASS)
 *   DWCP_RES_RECV_CLASS   receives only (DWCP_SO_RECV_CLASS)
 *   DWCP_RES_PRELOAD_DEBUG=1  log every decision to stderr
 *
 * The ULP can only be attached to an established socket (-ENOTCONN
 * otherwise). A non-blocking connect() that returns EINPROGRESS is
 * remembered in a bitmap of fds; the first send/write/recv/read family call
 * on that fd attaches the ULP once TCP reports ESTABLISHED (and forgets the
 * fd if the connection failed). close() forgets the fd as well. Only fds
 * below PENDING_MAX are tracked; others are attached only when established
 * at connect time.
 *
 * Nothing here may break the program: a failure to attach (module not
 * loaded, unknown class, ...) is logged when debugging and the socket stays
 * a plain TCP socket (or keeps the ULP with its default classes when only
 * the class could not be set). errno is always what the wrapped call set.
 *
 * What the constructor settles once, for the life of the process:
 *  - the classes and options are copied from the environment, since
 *    programs rewrite environ (nginx workers keep only TZ);
 *  - whether the kernel offers the ULP at all (tcp_available_ulp): if not,
 *    the shim does nothing, so a process with CAP_NET_ADMIN does not run
 *    one modprobe per connection (TCP_ULP asks for "tcp-ulp-dwcp"), and a
 *    module an admin removed is not loaded again behind their back.
 *
 * One ULP per socket: a socket that already has another ULP (kTLS) is left
 * alone. Sockets of DWCP_RES_SKIP_PORTS (local or peer port, a comma list)
 * are never attached, which keeps kTLS for them: OpenSSL sets TCP_ULP "tls"
 * after its handshake, by which time the shim has attached "dwcp", so
 * without the opt-out OpenSSL quietly falls back to TLS in user space.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/dwcp_res.h>

#ifndef TCP_ULP
#define TCP_ULP 31
#endif

#define PENDING_MAX	65536
#define WORD_BITS	(8 * sizeof(unsigned long))

#define SKIP_MAX	16

static unsigned long pending[PENDING_MAX / WORD_BITS];
static int debug = -1;
static bool ulp_available;

/* Copied from the environment at start (see the top of the file). */
static char class_both[DWCP_RES_NAME_MAX];
static char class_send[DWCP_RES_NAME_MAX];
static char class_recv[DWCP_RES_NAME_MAX];
static unsigned short skip_ports[SKIP_MAX];
static int nskip;

static int (*real_connect)(int, const struct sockaddr *, socklen_t);
static int (*real_accept)(int, struct sockaddr *, socklen_t *);
static int (*real_accept4)(int, struct sockaddr *, socklen_t *, int);
static int (*real_close)(int);
static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_readv)(int, const struct iovec *, int);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static ssize_t (*real_send)(int, const void *, size_t, int);
static ssize_t (*real_sendto)(int, const void *, size_t, int,
			      const struct sockaddr *, socklen_t);
static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);
static ssize_t (*real_recv)(int, void *, size_t, int);
static ssize_t (*real_recvfrom)(int, void *, size_t, int, struct sockaddr *,
				socklen_t *);
static ssize_t (*real_recvmsg)(int, struct msghdr *, int);
static ssize_t (*real___read_chk)(int, void *, size_t, size_t);
static ssize_t (*real___recv_chk)(int, void *, size_t, size_t, int);
static ssize_t (*real___recvfrom_chk)(int, void *, size_t, size_t, int,
				      struct sockaddr *, socklen_t *);

#define RESOLVE(name) do {						\
	if (!real_##name)						\
		*(void **)&real_##name = dlsym(RTLD_NEXT, #name);	\
} while (0)

static void resolve_all(void)
{
	RESOLVE(connect);
	RESOLVE(accept);
	RESOLVE(accept4);
	RESOLVE(close);
	RESOLVE(read);
	RESOLVE(write);
	RESOLVE(readv);
	RESOLVE(writev);
	RESOLVE(send);
	RESOLVE(sendto);
	RESOLVE(sendmsg);
	RESOLVE(recv);
	RESOLVE(recvfrom);
	RESOLVE(recvmsg);
	RESOLVE(__read_chk);
	RESOLVE(__recv_chk);
	RESOLVE(__recvfrom_chk);
}

static void copy_env(char *dst, size_t len, const char *name)
{
	const char *v = getenv(name);

	if (v && strlen(v) < len)
		strcpy(dst, v);
}

/* "443,8443": the ports whose sockets stay plain. */
static void parse_skip_ports(const char *v)
{
	unsigned long p;
	char *end;

	while (v && *v && nskip < SKIP_MAX) {
		p = strtoul(v, &end, 10);
		if (end == v || p == 0 || p > 65535)
			break;
		skip_ports[nskip++] = (unsigned short)p;
		v = *end == ',' ? end + 1 : end;
	}
}

/* Is "dwcp" in /proc/sys/net/ipv4/tcp_available_ulp (module loaded)? */
static bool dwcp_ulp_available(void)
{
	char buf[512], *w, *save = NULL;
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_available_ulp", "re");
	bool found = false;

	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f))
		for (w = strtok_r(buf, " \n", &save); w && !found; w = strtok_r(NULL, " \n", &save))
			found = !strcmp(w, "dwcp");
	fclose(f);
	return found;
}

__attribute__((constructor)) static void preload_init(void)
{
	const char *d = getenv("DWCP_RES_PRELOAD_DEBUG");

	resolve_all();
	debug = d && *d && strcmp(d, "0");
	copy_env(class_both, sizeof(class_both), "DWCP_RES_CLASS");
	copy_env(class_send, sizeof(class_send), "DWCP_RES_SEND_CLASS");
	copy_env(class_recv, sizeof(class_recv), "DWCP_RES_RECV_CLASS");
	parse_skip_ports(getenv("DWCP_RES_SKIP_PORTS"));
	ulp_available = dwcp_ulp_available();
}

#define __printf(a, b) __attribute__((__format__(__printf__, a, b)))

static __printf(1, 2) void dbg(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	if (debug <= 0 || !real_write)
		return;
	n = snprintf(buf, sizeof(buf), "dwcp_res_preload[%d]: ", (int)getpid());
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (real_write(2, buf, n) < 0)
		return;
}

static bool pending_test(int fd)
{
	if (fd < 0 || fd >= PENDING_MAX)
		return false;
	return __atomic_load_n(&pending[fd / WORD_BITS], __ATOMIC_RELAXED) &
	       (1UL << (fd % WORD_BITS));
}

static void pending_set(int fd, bool on)
{
	unsigned long bit = 1UL << (fd % WORD_BITS);

	if (fd < 0 || fd >= PENDING_MAX)
		return;
	if (on)
		__atomic_fetch_or(&pending[fd / WORD_BITS], bit, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&pending[fd / WORD_BITS], ~bit, __ATOMIC_RELAXED);
}

static bool is_tcp(int fd)
{
	int v = 0;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) ||
	    (v != AF_INET && v != AF_INET6))
		return false;
	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) || v != SOCK_STREAM)
		return false;
	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len) || v != IPPROTO_TCP)
		return false;
	return true;
}

/* TCP_ESTABLISHED (1), another state, or -1 if it cannot be read. */
static int tcp_state(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) || len < 1)
		return -1;
	return ti.tcpi_state;
}

/* @env: where the class came from, for the log. */
static void set_class(int fd, int opt, const char *env, const char *c)
{
	if (!*c)
		return;
	if (setsockopt(fd, SOL_DWCP, opt, c, strlen(c)))
		dbg("fd %d: %s=%s: %s (default class kept)", fd, env, c, strerror(errno));
	else
		dbg("fd %d: class %s=%s", fd, env, c);
}

static unsigned short port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

/* Is the local or the peer port of @fd in DWCP_RES_SKIP_PORTS? */
static bool skipped(int fd)
{
	struct sockaddr_storage a, b;
	socklen_t la = sizeof(a), lb = sizeof(b);
	unsigned short pa = 0, pb = 0;
	int i;

	if (!nskip)
		return false;
	if (!getsockname(fd, (struct sockaddr *)&a, &la))
		pa = port_of(&a);
	if (!getpeername(fd, (struct sockaddr *)&b, &lb))
		pb = port_of(&b);
	for (i = 0; i < nskip; i++)
		if (skip_ports[i] == pa || skip_ports[i] == pb)
			return true;
	return false;
}

/*
 * Attach the ULP and the classes to an established TCP socket; keeps errno.
 * An accept()ed socket (@server) is marked DWCP_RES_ROLE_SERVER: a client
 * that resets it is not the service failing (Documentation/ulp.rst).
 */
static void attach(int fd, const char *how, bool server)
{
	char ulp[16] = "";
	socklen_t len = sizeof(ulp) - 1;
	int saved = errno;

	if (!ulp_available) {
		dbg("fd %d (%s): no ULP dwcp in tcp_available_ulp (module not loaded): stays plain TCP",
		    fd, how);
		goto out;
	}
	if (skipped(fd)) {
		dbg("fd %d (%s): port in DWCP_RES_SKIP_PORTS: stays plain TCP", fd, how);
		goto out;
	}
	if (setsockopt(fd, IPPROTO_TCP, TCP_ULP, "dwcp", 4)) {
		if (errno != EEXIST) {
			dbg("fd %d (%s): TCP_ULP dwcp: %s (stays plain TCP)", fd,
			    how, strerror(errno));
			goto out;
		}
		/* Whose? An accepted socket inherits the listener's dwcp. */
		if (getsockopt(fd, IPPROTO_TCP, TCP_ULP, ulp, &len) || strcmp(ulp, "dwcp")) {
			dbg("fd %d (%s): has the ULP \"%s\" already: left alone", fd, how, ulp);
			goto out;
		}
		dbg("fd %d (%s): ULP already attached", fd, how);
	} else {
		dbg("fd %d (%s): ULP dwcp attached", fd, how);
	}
	if (*class_both) {
		set_class(fd, DWCP_SO_CLASS, "DWCP_RES_CLASS", class_both);
	} else {
		set_class(fd, DWCP_SO_SEND_CLASS, "DWCP_RES_SEND_CLASS", class_send);
		set_class(fd, DWCP_SO_RECV_CLASS, "DWCP_RES_RECV_CLASS", class_recv);
	}
	if (server) {
		int role = DWCP_RES_ROLE_SERVER;

		if (setsockopt(fd, SOL_DWCP, DWCP_SO_ROLE, &role, sizeof(role)))
			dbg("fd %d (%s): DWCP_SO_ROLE: %s", fd, how, strerror(errno));
	}
out:
	errno = saved;
}

/* Before I/O on @fd: finish a deferred attach once the connect completed. */
static inline void maybe_attach(int fd)
{
	int saved, st;

	if (!pending_test(fd))
		return;
	saved = errno;
	st = tcp_state(fd);
	if (st == 1 /* TCP_ESTABLISHED */) {
		pending_set(fd, false);
		attach(fd, "deferred connect", false);
	} else if (st != 2 /* TCP_SYN_SENT */) {
		pending_set(fd, false);
		dbg("fd %d: connect did not complete (state %d), not attached", fd, st);
	}
	errno = saved;
}

/* Attach on the first I/O, once established. */
static void defer(int fd)
{
	if (fd < PENDING_MAX) {
		pending_set(fd, true);
		dbg("fd %d: handshake in progress, attach on first I/O", fd);
	} else {
		dbg("fd %d: handshake in progress, fd too high to track", fd);
	}
}

/*
 * After a connect() (or a sendto() with MSG_FASTOPEN) that returned 0:
 * attach if established, else defer. A TCP Fast Open connect returns 0 in
 * SYN_SENT. A second connect() after EINPROGRESS returns 0 once the
 * handshake is done: the deferred attach happens then, and only then.
 */
static void connected(int fd, const char *how)
{
	int st = tcp_state(fd);

	if (st == 1 /* TCP_ESTABLISHED */) {
		pending_set(fd, false);
		attach(fd, how, false);
	} else if (st == 2 /* TCP_SYN_SENT */) {
		defer(fd);
	}
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	int rc, saved;

	RESOLVE(connect);
	rc = real_connect(fd, addr, len);
	saved = errno;
	if (!addr || (addr->sa_family != AF_INET && addr->sa_family != AF_INET6) ||
	    (rc && errno != EINPROGRESS) || !is_tcp(fd)) {
		errno = saved;
		return rc;
	}
	/*
	 * EINPROGRESS: always deferred, even if loopback is established by
	 * now, so the program may still choose another ULP (kTLS) first.
	 */
	if (rc)
		defer(fd);
	else
		connected(fd, "connect");
	errno = saved;
	return rc;
}

static int accepted(int fd)
{
	int saved = errno;

	if (fd >= 0) {
		pending_set(fd, false);
		if (is_tcp(fd))
			attach(fd, "accept", true);
	}
	errno = saved;
	return fd;
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	RESOLVE(accept);
	return accepted(real_accept(fd, addr, len));
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	RESOLVE(accept4);
	return accepted(real_accept4(fd, addr, len, flags));
}

int close(int fd)
{
	RESOLVE(close);
	pending_set(fd, false);
	return real_close(fd);
}

ssize_t read(int fd, void *buf, size_t n)
{
	RESOLVE(read);
	maybe_attach(fd);
	return real_read(fd, buf, n);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	RESOLVE(write);
	maybe_attach(fd);
	return real_write(fd, buf, n);
}

ssize_t readv(int fd, const struct iovec *iov, int cnt)
{
	RESOLVE(readv);
	maybe_attach(fd);
	return real_readv(fd, iov, cnt);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	RESOLVE(writev);
	maybe_attach(fd);
	return real_writev(fd, iov, cnt);
}

ssize_t send(int fd, const void *buf, size_t n, int flags)
{
	RESOLVE(send);
	maybe_attach(fd);
	return real_send(fd, buf, n, flags);
}

ssize_t sendto(int fd, const void *buf, size_t n, int flags,
	       const struct sockaddr *addr, socklen_t len)
{
	ssize_t rc;
	int saved;

	RESOLVE(sendto);
	maybe_attach(fd);
	rc = real_sendto(fd, buf, n, flags, addr, len);
	/* MSG_FASTOPEN connects too (TCP Fast Open, client side). */
	if ((flags & MSG_FASTOPEN) && (rc >= 0 || errno == EINPROGRESS) && !pending_test(fd)) {
		saved = errno;
		if (is_tcp(fd))
			connected(fd, "sendto MSG_FASTOPEN");
		errno = saved;
	}
	return rc;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	RESOLVE(sendmsg);
	maybe_attach(fd);
	return real_sendmsg(fd, msg, flags);
}

ssize_t recv(int fd, void *buf, size_t n, int flags)
{
	RESOLVE(recv);
	maybe_attach(fd);
	return real_recv(fd, buf, n, flags);
}

ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *addr,
		 socklen_t *len)
{
	RESOLVE(recvfrom);
	maybe_attach(fd);
	return real_recvfrom(fd, buf, n, flags, addr, len);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	RESOLVE(recvmsg);
	maybe_attach(fd);
	return real_recvmsg(fd, msg, flags);
}

/*
 * _FORTIFY_SOURCE (Debian's default) turns read/recv/recvfrom with a buffer
 * of known size into these: a client that connects non-blocking and then
 * only reads would otherwise never be attached.
 */
ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
	RESOLVE(__read_chk);
	maybe_attach(fd);
	return real___read_chk(fd, buf, n, buflen);
}

ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags)
{
	RESOLVE(__recv_chk);
	maybe_attach(fd);
	return real___recv_chk(fd, buf, n, buflen, flags);
}

ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, int flags,
		       struct sockaddr *addr, socklen_t *len)
{
	RESOLVE(__recvfrom_chk);
	maybe_attach(fd);
	return real___recvfrom_chk(fd, buf, n, buflen, flags, addr, len);
}
