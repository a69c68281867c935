/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PN_EXAMPLES_SVC_HTTP_H
#define PN_EXAMPLES_SVC_HTTP_H

/*
 * The HTTP/1.1 service of services.h: GET and HEAD of either one fixed
 * body or the files under a root directory. A request is parsed by a pure
 * function (svc_http_parse); a response is a header in the connection's
 * bounded output buffer followed by a body streamed through that buffer
 * from memory or from the file in chunks, with EPOLLOUT when the socket
 * is full (never the whole file in memory). Requests read while a
 * response is under way wait in the request buffer (pipelining).
 *
 * Files: the path is percent-decoded and opened with openat2
 * RESOLVE_BENEATH below the root, so "..", absolute paths and symlinks
 * leaving the root are refused by the kernel (403); index.html serves a
 * directory; Content-Type by extension.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SVC_REQ_MAX      4096  /* request head, bytes (431 beyond) */
#define SVC_URI_MAX      2048  /* request target, bytes (414 beyond) */
#define SVC_HTTP_OUT     16384 /* output buffer per connection */

enum svc_http_method { SVC_HTTP_GET, SVC_HTTP_HEAD, SVC_HTTP_OTHER };

/* A parsed request head. */
struct svc_http_req {
	enum svc_http_method method;
	char path[SVC_URI_MAX];  /**< decoded path, query stripped */
	bool close;              /**< no keep-alive after the response */
	bool has_body;           /**< Content-Length > 0 or chunked: not read */
	bool v10;                /**< HTTP/1.0: keep-alive must be announced */
};

static inline int
svc_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode the path of @p uri (up to '?' or '#') into @p out.
 * @return 0, or -1 for a bad escape or a NUL. */
static inline int
svc_http_decode(const char *uri, size_t n, char *out, size_t outlen)
{
	size_t i, o = 0;

	for (i = 0; i < n && uri[i] != '?' && uri[i] != '#'; i++) {
		int c = (unsigned char)uri[i];

		if (c == '%') {
			int h, l;

			if (i + 2 >= n)
				return -1;
			h = svc_hexval(uri[i + 1]);
			l = svc_hexval(uri[i + 2]);
			if (h < 0 || l < 0)
				return -1;
			c = h * 16 + l;
			i += 2;
		}
		if (c == 0 || o + 1 >= outlen)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
}

/* Value of header @p name in the header lines [p, end), or NULL. */
static inline const char *
svc_http_header(const char *p, const char *end, const char *name, size_t *vlen)
{
	size_t nl = strlen(name);

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;

		if ((size_t)(le - p) > nl && p[nl] == ':' &&
		    strncasecmp(p, name, nl) == 0) {
			const char *v = p + nl + 1;

			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			while (le > v && (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t'))
				le--;
			*vlen = (size_t)(le - v);
			return v;
		}
		if (eol == NULL)
			break;
		p = eol + 1;
	}
	return NULL;
}

static inline bool
svc_http_token_is(const char *v, size_t n, const char *tok)
{
	size_t l = strlen(tok);

	/* a comma separated list: "keep-alive, Upgrade" */
	while (n >= l) {
		if (strncasecmp(v, tok, l) == 0 &&
		    (n == l || v[l] == ',' || v[l] == ' '))
			return true;
		while (n && *v != ',') {
			v++;
			n--;
		}
		while (n && (*v == ',' || *v == ' ')) {
			v++;
			n--;
		}
	}
	return false;
}

/*
 * Parse one request head at the start of [buf, buf + len).
 * @return the bytes of the head (> 0) with @p r filled; 0 when more bytes
 * are needed; or minus an HTTP status: -400 malformed, -414 request
 * target too long, -431 head too long (SVC_REQ_MAX).
 */
static inline int
svc_http_parse(const char *buf, size_t len, struct svc_http_req *r)
{
	const char *end, *eol, *sp1, *sp2, *v;
	size_t vl;
	bool v10;

	eol = memchr(buf, '\n', len);
	if (eol == NULL)
		return len > SVC_URI_MAX + 32 ? -414 : 0;
	sp1 = memchr(buf, ' ', (size_t)(eol - buf));
	if (sp1 == NULL || sp1 == buf)
		return -400;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
	if (sp2 == NULL || sp2 == sp1 + 1)
		return -400;
	if ((size_t)(sp2 - sp1 - 1) >= SVC_URI_MAX)
		return -414;
	/* "HTTP/1.x" then CRLF (or a bare LF, as servers accept) */
	vl = (size_t)(eol - sp2 - 1);
	if (vl && sp2[vl] == '\r')
		vl--;
	if (vl != 8 || strncmp(sp2 + 1, "HTTP/1.", 7) != 0 ||
	    (sp2[8] != '0' && sp2[8] != '1'))
		return -400;
	v10 = sp2[8] == '0';
	r->v10 = v10;
	end = NULL;
	for (v = eol + 1; v < buf + len;) {
		const char *e = memchr(v, '\n', (size_t)(buf + len - v));

		if (e == NULL)
			break;
		if (e == v || (e == v + 1 && *v == '\r')) {
			end = e + 1;
			break;
		}
		v = e + 1;
	}
	if (end == NULL)
		return len >= SVC_REQ_MAX - 1 ? -431 : 0;
	if ((size_t)(end - buf) >= SVC_REQ_MAX)
		return -431;
	if ((size_t)(sp1 - buf) == 3 && strncmp(buf, "GET", 3) == 0)
		r->method = SVC_HTTP_GET;
	else if ((size_t)(sp1 - buf) == 4 && strncmp(buf, "HEAD", 4) == 0)
		r->method = SVC_HTTP_HEAD;
	else
		r->method = SVC_HTTP_OTHER;
	if (sp1[1] != '/' && r->method != SVC_HTTP_OTHER)
		return -400; /* origin-form only */
	if (svc_http_decode(sp1 + 1, (size_t)(sp2 - sp1 - 1), r->path,
			    sizeof(r->path)) < 0)
		return -400;
	v = svc_http_header(eol + 1, end, "Connection", &vl);
	r->close = v10 ? !(v && svc_http_token_is(v, vl, "keep-alive")) :
			 (v && svc_http_token_is(v, vl, "close"));
	v = svc_http_header(eol + 1, end, "Content-Length", &vl);
	r->has_body = (v && !(vl == 1 && *v == '0')) ||
		      svc_http_header(eol + 1, end, "Transfer-Encoding", &vl);
	return (int)(end - buf);
}

static inline const char *
svc_http_mime(const char *path)
{
	static const char *const types[][2] = {
		{ "html", "text/html" }, { "htm", "text/html" },
		{ "txt", "text/plain" }, { "css", "text/css" },
		{ "js", "text/javascript" }, { "json", "application/json" },
		{ "png", "image/png" }, { "jpg", "image/jpeg" },
		{ "jpeg", "image/jpeg" }, { "svg", "image/svg+xml" },
	};
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	size_t i;

	if (dot != NULL && (slash == NULL || dot > slash))
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strcasecmp(dot + 1, types[i][0]) == 0)
				return types[i][1];
	return "application/octet-stream";
}

static inline const char *
svc_http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	default: return "Internal Server Error";
	}
}

/*
 * Open @p path (decoded, starting with '/') below the directory @p rootfd.
 * @return a file descriptor of a regular file with *size set, or minus
 * the HTTP status: -404 missing, -403 escaping the root or not a regular
 * file or not readable.
 */
static inline int
svc_http_open(int rootfd, const char *path, uint64_t *size, char *mime_path,
	      size_t mlen)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	char rel[SVC_URI_MAX + 16];
	struct stat st;
	int fd, i;

	/* "/a/b" -> "a/b"; "/" -> "."; "//etc" stays absolute: refused */
	snprintf(rel, sizeof(rel), "%s", path[1] ? path + 1 : ".");
	for (i = 0; i < 2; i++) {
		fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
		if (fd < 0)
			return errno == ENOENT || errno == ENOTDIR ? -404 : -403;
		if (fstat(fd, &st) < 0) {
			close(fd);
			return -403;
		}
		if (S_ISREG(st.st_mode)) {
			*size = (uint64_t)st.st_size;
			snprintf(mime_path, mlen, "%s", rel);
			return fd;
		}
		close(fd);
		if (!S_ISDIR(st.st_mode) || i == 1)
			return i == 1 && S_ISDIR(st.st_mode) ? -404 : -403;
		/* a directory: its index.html */
		if (strlen(rel) + sizeof("/index.html") > sizeof(rel))
			return -404;
		strcat(rel, "/index.html");
	}
	return -404;
}

/* Body source and output buffer of one HTTP connection. */
struct svc_http_state {
	size_t rlen;               /**< request bytes in req */
	size_t out_off, out_len;   /**< pending output in out */
	int file;                  /**< body from this file, or -1 */
	uint64_t body_left;        /**< body bytes still to put in out */
	const char *mem;           /**< body from memory when file < 0 */
	bool close_after;          /**< close when the response is sent */
	char req[SVC_REQ_MAX];
	char out[SVC_HTTP_OUT];
};

struct svc_http_site {
	int rootfd;                /**< directory, or -1: the fixed body */
	const char *body;          /**< fixed body */
	size_t body_len;
	const char *server_name;
};

static inline void
svc_http_state_init(struct svc_http_state *h)
{
	h->rlen = h->out_off = h->out_len = 0;
	h->file = -1;
	h->body_left = 0;
	h->mem = NULL;
	h->close_after = false;
}

static inline void
svc_http_state_fini(struct svc_http_state *h)
{
	if (h->file >= 0)
		close(h->file);
	h->file = -1;
}

/* Append the @p n bytes at @p s at @p p; the end. */
static inline char *
svc_http_cat(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

/* Append @p v in decimal at @p p; the end. */
static inline char *
svc_http_utoa(char *p, uint64_t v)
{
	char b[20];
	size_t i = sizeof(b);

	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return svc_http_cat(p, b + i, sizeof(b) - i);
}

/*
 * The response head, at most @p room bytes, into @p out, as
 * "HTTP/1.1 %d %s\r\nServer: %s\r\nContent-Type: %s\r\n"
 * "Content-Length: %llu\r\n%s%s\r\n" would print it, without printf's
 * cost (a tenth of a keep-alive server's CPU: the head is built per
 * request). @return its length, or 0 when it does not fit.
 */
static inline size_t
svc_http_head(char *out, size_t room, int status, const char *server,
	      const char *type, uint64_t len, const char *extra,
	      const char *conn)
{
	const char *reason = svc_http_reason(status);
	size_t lr = strlen(reason), ls = strlen(server), lt = strlen(type);
	size_t le = strlen(extra), lc = strlen(conn);
	char *p = out;

	/* the fixed text, 3 status digits, 20 length digits at most */
	if (sizeof("HTTP/1.1 000 \r\nServer: \r\nContent-Type: \r\n"
		   "Content-Length: \r\n\r\n") - 1 + 20 + lr + ls + lt +
		    le + lc > room || status < 100 || status > 999)
		return 0;
	p = svc_http_cat(p, "HTTP/1.1 ", 9);
	p = svc_http_utoa(p, (uint64_t)status);
	*p++ = ' ';
	p = svc_http_cat(p, reason, lr);
	p = svc_http_cat(p, "\r\nServer: ", 10);
	p = svc_http_cat(p, server, ls);
	p = svc_http_cat(p, "\r\nContent-Type: ", 16);
	p = svc_http_cat(p, type, lt);
	p = svc_http_cat(p, "\r\nContent-Length: ", 18);
	p = svc_http_utoa(p, len);
	p = svc_http_cat(p, "\r\n", 2);
	p = svc_http_cat(p, extra, le);
	p = svc_http_cat(p, conn, lc);
	p = svc_http_cat(p, "\r\n", 2);
	return (size_t)(p - out);
}

/* Put the response head for @p r into the empty output buffer and set the
 * body source. @p status < 0 is an error answer from the parser. */
static inline void
svc_http_respond(struct svc_http_state *h, const struct svc_http_site *site,
		 const struct svc_http_req *r, int status)
{
	char mpath[SVC_URI_MAX + 16]; /* svc_http_open fills it (no 2 KB
				       * initialiser: a memset per request) */
	const char *type = "text/plain", *extra = "";
	uint64_t len = 0;
	int fd = -1;
	size_t n;

	if (status == 0 && r->method == SVC_HTTP_OTHER) {
		status = 405;
		extra = "Allow: GET, HEAD\r\n";
	} else if (status == 0 && site->rootfd >= 0) {
		fd = svc_http_open(site->rootfd, r->path, &len, mpath, sizeof(mpath));
		status = fd >= 0 ? 200 : -fd;
		if (fd >= 0)
			type = svc_http_mime(mpath);
	} else if (status == 0) {
		status = 200;
		len = site->body_len;
		h->mem = site->body;
	}
	if (status != 200) {
		len = strlen(svc_http_reason(status)) + 5; /* "404 Not Found\n" */
		h->mem = h->out + 512; /* the error body, after the head */
		snprintf(h->out + 512, 128, "%d %s\n", status, svc_http_reason(status));
	}
	/* errors of the parser and requests with a body we do not read: close */
	h->close_after = r->close || r->has_body || status >= 400;
	n = svc_http_head(h->out, 512, status, site->server_name, type, len,
			  extra, h->close_after ? "Connection: close\r\n" :
				 r->v10 ? "Connection: keep-alive\r\n" : "");
	if (n == 0) { /* a server name too long for the head's room */
		h->close_after = true;
		n = svc_http_head(h->out, 512, status, "-", type, len, extra,
				  "Connection: close\r\n");
	}
	h->out_off = 0;
	h->out_len = n;
	if (status != 200 && r->method != SVC_HTTP_HEAD) {
		/* the small error body right behind the head */
		memmove(h->out + n, h->out + 512, (size_t)len);
		h->out_len += (size_t)len;
		len = 0;
	}
	if (r->method == SVC_HTTP_HEAD) {
		if (fd >= 0)
			close(fd);
		fd = -1;
		len = 0;
	}
	h->file = fd;
	h->body_left = len;
}

/* Append body bytes to the output buffer, as many as fit. @return -1 on a
 * read error. */
static inline int
svc_http_refill(struct svc_http_state *h)
{
	size_t room = SVC_HTTP_OUT - h->out_len;
	size_t want = h->body_left < room ? (size_t)h->body_left : room;
	ssize_t n;

	if (h->file >= 0) {
		n = read(h->file, h->out + h->out_len, want);
		if (n <= 0)
			return -1; /* the file shrank or failed: the length is a lie now */
	} else {
		memcpy(h->out + h->out_len, h->mem, want);
		h->mem += want;
		n = (ssize_t)want;
	}
	h->out_len += (size_t)n;
	h->body_left -= (uint64_t)n;
	if (h->body_left == 0 && h->file >= 0) {
		close(h->file);
		h->file = -1;
	}
	return 0;
}

/*
 * Make progress on connection @p fd: send what is pending, stream the
 * body, answer the next request, read more.
 * @return -1 to close, EPOLLOUT when waiting for room in the socket,
 * EPOLLIN when waiting for a request.
 */
static inline int
svc_http_io(int fd, struct svc_http_state *h, const struct svc_http_site *site)
{
	struct svc_http_req r;
	ssize_t n;
	int used;

	for (;;) {
		/* the head and the start of the body leave in one write */
		if (h->body_left && h->out_len < SVC_HTTP_OUT) {
			if (svc_http_refill(h) < 0)
				return -1;
			continue;
		}
		if (h->out_off < h->out_len) {
			n = pn_send(fd, h->out + h->out_off, h->out_len - h->out_off,
				    MSG_NOSIGNAL);
			if (n < 0)
				return errno == EAGAIN ? EPOLLOUT : -1;
			h->out_off += (size_t)n;
			if (h->out_off == h->out_len)
				h->out_off = h->out_len = 0;
			continue;
		}
		if (h->close_after)
			return -1;
		used = svc_http_parse(h->req, h->rlen, &r);
		if (used != 0) {
			if (used < 0)
				r.method = SVC_HTTP_GET, r.close = true,
				r.has_body = false, r.v10 = false;
			svc_http_respond(h, site, &r, used < 0 ? -used : 0);
			if (used > 0) {
				memmove(h->req, h->req + used, h->rlen - (size_t)used);
				h->rlen -= (size_t)used;
			}
			continue;
		}
		n = pn_read(fd, h->req + h->rlen, sizeof(h->req) - h->rlen);
		if (n <= 0)
			return n < 0 && errno == EAGAIN ? EPOLLIN : -1;
		h->rlen += (size_t)n;
	}
}

#endif /* PN_EXAMPLES_SVC_HTTP_H */
