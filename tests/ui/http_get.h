/* http_get.h — a plain HTTP/1.0 client for the UI tests: one GET (or any
 * method) over a loopback socket, the raw path sent as given (so "../" and
 * bad escapes reach the server unnormalised), the status and body returned.
 * Header-only (static functions) because tests/ui/test_*.c are separate
 * programs. */
#ifndef MEDALLION_TEST_UI_HTTP_GET_H
#define MEDALLION_TEST_UI_HTTP_GET_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

typedef struct http_reply {
  int status;     /* -1 when no reply could be read */
  char *headers;  /* the header block, malloc'd */
  char *body;     /* NUL-terminated, malloc'd */
  size_t body_len;
} http_reply;

static void http_reply_free(http_reply *r) {
  free(r->headers);
  free(r->body);
  memset(r, 0, sizeof *r);
}

static http_reply http_request(int port, const char *method, const char *path) {
  http_reply reply = {.status = -1};
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return reply;
  struct timeval timeout = {10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    close(fd);
    return reply;
  }
  char request[4096];
  int n = snprintf(request, sizeof request, "%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", method, path);
  if (write(fd, request, (size_t)n) != n) {
    close(fd);
    return reply;
  }
  size_t len = 0, cap = 65536;
  char *all = malloc(cap);
  for (;;) {
    if (len + 4096 + 1 > cap) all = realloc(all, cap *= 2);
    ssize_t got = read(fd, all + len, 4096);
    if (got <= 0) break;
    len += (size_t)got;
  }
  close(fd);
  all[len] = '\0';
  char *split = strstr(all, "\r\n\r\n");
  if (!split || sscanf(all, "HTTP/1.%*d %d", &reply.status) != 1) {
    free(all);
    reply.status = -1;
    return reply;
  }
  reply.headers = strndup(all, (size_t)(split - all) + 2);
  reply.body_len = len - (size_t)(split + 4 - all);
  reply.body = malloc(reply.body_len + 1);
  memcpy(reply.body, split + 4, reply.body_len);
  reply.body[reply.body_len] = '\0';
  free(all);
  return reply;
}

static http_reply http_get(int port, const char *path) { return http_request(port, "GET", path); }

#endif
