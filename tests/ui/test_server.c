/* test_server.c — the UI server's own guarantees, without a pipeline: it binds
 * loopback unless a remote bind is explicitly allowed, refuses a missing home,
 * answers many clients at once (an empty home too: no run store yet), and
 * stops promptly even with an idle connection open. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http_get.h"
#include "medallion/ui.h"
#include "support.h"

static void test_loopback_addresses_are_recognised(void **state) {
  (void)state;
  assert_true(md_ui_address_is_loopback("127.0.0.1"));
  assert_true(md_ui_address_is_loopback("127.1.2.3"));
  assert_false(md_ui_address_is_loopback("0.0.0.0"));
  assert_false(md_ui_address_is_loopback("10.0.0.1"));
  assert_false(md_ui_address_is_loopback("localhost"));
  assert_false(md_ui_address_is_loopback(NULL));
}

static void test_non_loopback_bind_is_refused_unless_allowed(void **state) {
  (void)state;
  md_ui_options options = {.home = test_temp_dir("ui_bind"), .bind_address = "0.0.0.0"};
  md_ui_server *server = NULL;
  md_error err;
  assert_int_equal(md_ui_start(&options, &server, &err), MD_ERR_INVALID);
  assert_non_null(strstr(err.message, "no authentication"));
  assert_null(server);
  options.bind_address = "not-an-address";
  assert_int_equal(md_ui_start(&options, &server, &err), MD_ERR_INVALID);
  options.bind_address = NULL;
  options.port = 70000;
  assert_int_equal(md_ui_start(&options, &server, &err), MD_ERR_INVALID);
}

static void test_missing_home_is_refused(void **state) {
  (void)state;
  md_ui_options options = {.home = "/nonexistent/medallion-home"};
  md_ui_server *server = NULL;
  md_error err;
  assert_int_equal(md_ui_start(&options, &server, &err), MD_ERR_NOT_FOUND);
  assert_non_null(strstr(err.message, "/nonexistent/medallion-home"));
}

typedef struct client_job {
  int port;
  int ok;
} client_job;

static void *client(void *arg) {
  client_job *job = arg;
  const char *paths[] = {"/api/runs", "/api/assets", "/api/tables", "/api/checks", "/"};
  for (int i = 0; i < 40; i++) {
    http_reply r = http_get(job->port, paths[i % 5]);
    if (r.status == 200) job->ok++;
    http_reply_free(&r);
  }
  return NULL;
}

static void test_empty_home_answers_many_clients_at_once(void **state) {
  (void)state;
  md_ui_options options = {.home = test_temp_dir("ui_empty")};
  md_ui_server *server = NULL;
  md_error err;
  assert_int_equal(md_ui_start(&options, &server, &err), MD_OK);
  enum { CLIENTS = 16 };
  pthread_t threads[CLIENTS];
  client_job jobs[CLIENTS];
  for (int i = 0; i < CLIENTS; i++) {
    jobs[i] = (client_job){md_ui_port(server), 0};
    pthread_create(&threads[i], NULL, client, &jobs[i]);
  }
  for (int i = 0; i < CLIENTS; i++) {
    pthread_join(threads[i], NULL);
    assert_int_equal(jobs[i].ok, 40);
  }
  http_reply r = http_get(md_ui_port(server), "/api/runs");
  assert_string_equal(r.body, "{\"runs\":[]}");
  http_reply_free(&r);
  md_ui_stop(server);
}

static void test_stop_is_prompt_with_an_idle_connection_open(void **state) {
  (void)state;
  md_ui_options options = {.home = test_temp_dir("ui_stop")};
  md_ui_server *server = NULL;
  md_error err;
  assert_int_equal(md_ui_start(&options, &server, &err), MD_OK);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)md_ui_port(server))};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  assert_int_equal(write(fd, "GET /api/ru", 11), 11); /* a request that never finishes */
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  md_ui_stop(server);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  close(fd);
  assert_true(t1.tv_sec - t0.tv_sec < 5);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_loopback_addresses_are_recognised),
      cmocka_unit_test(test_non_loopback_bind_is_refused_unless_allowed),
      cmocka_unit_test(test_missing_home_is_refused),
      cmocka_unit_test(test_empty_home_answers_many_clients_at_once),
      cmocka_unit_test(test_stop_is_prompt_with_an_idle_connection_open),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
