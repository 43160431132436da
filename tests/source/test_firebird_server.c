/* test_firebird_server.c — the Firebird source through a real server process
 * (Firebird 3 SuperServer) that this test starts on 127.0.0.1 with its own
 * configuration root, security database and port, and stops afterwards:
 * reading a generated database equals the Parquet folder, a wrong password and
 * an unreachable server give errors naming host and database, and the password
 * never appears in them. Skips (77) without firebird3.0-server. */
#include "support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "firebird_test_setup.h"
#include "medallion/source.h"
#include "source_compare.h"

#define PASSWORD "medallion-test-pw"
#define FIREBIRD_LIB "/usr/lib/x86_64-linux-gnu/firebird/3.0"

static char root[1024], database[1200], parquet_dir[1200], server_conn[1400];
static int port;
static pid_t server = -1;

static bool write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f) return false;
  fputs(text, f);
  return fclose(f) == 0;
}

static bool copy_file(const char *from, const char *to) {
  FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
  char buf[65536];
  size_t n;
  bool ok = in && out;
  while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0) ok = fwrite(buf, 1, n, out) == n;
  if (in) fclose(in);
  if (out && fclose(out) != 0) ok = false;
  return ok;
}

static bool port_open(int p) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)p);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0;
  close(fd);
  return ok;
}

/* A private server root: the packaged plugins and messages, our own config,
 * security database (with a known SYSDBA password) and lock directory. */
static const char *prepare_root(void) {
  char path[1400], text[2048];
  snprintf(root, sizeof root, "%s", test_temp_dir("firebird_server"));
  static const char *const links[] = {"plugins", "intl", "firebird.msg"};
  for (int i = 0; i < 3; i++) {
    char target[512];
    snprintf(target, sizeof target, FIREBIRD_LIB "/%s", links[i]);
    snprintf(path, sizeof path, "%s/%s", root, links[i]);
    if (symlink(target, path) != 0) return "cannot link the Firebird plugins";
  }
  snprintf(path, sizeof path, "%s/plugins.conf", root);
  if (!copy_file("/etc/firebird/3.0/plugins.conf", path)) return "no /etc/firebird/3.0/plugins.conf";
  snprintf(path, sizeof path, "%s/security3.fdb", root);
  if (!copy_file("/var/lib/firebird/3.0/system/security3.fdb", path)) return "cannot read the packaged security3.fdb";
  port = 30000 + (int)(getpid() % 20000);
  snprintf(text, sizeof text,
           "RemoteServicePort = %d\nRemoteBindAddress = 127.0.0.1\nServerMode = Super\nAuthServer = Srp\n"
           "AuthClient = Srp\nUserManager = Srp\nWireCrypt = Enabled\nIpcName = medallion_test_%d\n",
           port, (int)getpid());
  snprintf(path, sizeof path, "%s/firebird.conf", root);
  if (!write_text(path, text)) return "cannot write firebird.conf";
  snprintf(text, sizeof text, "security.db = %s/security3.fdb\n", root);
  snprintf(path, sizeof path, "%s/databases.conf", root);
  if (!write_text(path, text)) return "cannot write databases.conf";
  snprintf(path, sizeof path, "%s/lock", root);
  if (mkdir(path, 0700) != 0) return "cannot create the lock directory";
  /* The client library and the embedded engine of this process read this root too. */
  setenv("FIREBIRD", root, 1);
  setenv("FIREBIRD_LOCK", path, 1);
  return NULL;
}

/* Runs in a child process: the embedded engine that sets the password and loads
 * the database must be gone before the server opens those files. */
static int prepare_databases(void) {
  char security[1200];
  snprintf(security, sizeof security, "%s/security3.fdb", root);
  static const char *const set_password[] = {"CREATE OR ALTER USER SYSDBA PASSWORD '" PASSWORD "' USING PLUGIN Srp"};
  md_error err;
  if (firebird_run(security, false, set_password, 1, &err) != MD_OK) {
    fprintf(stderr, "security database: %s\n", err.message);
    return -1;
  }
  snprintf(database, sizeof database, "%s/clinic.fdb", root);
  snprintf(parquet_dir, sizeof parquet_dir, "%s/parquet", root);
  md_firebird_options fb = {database, NULL, NULL};
  md_generate_options options = {{0.002, 21, MD_GENERATOR_DEFAULT_AS_OF}, parquet_dir, &fb, NULL, NULL};
  if (md_generate(&options, &err) != MD_OK) {
    fprintf(stderr, "generate: %s\n", err.message);
    return -1;
  }
  return 0;
}

static int teardown(void **state);

static int setup(void **state) {
  (void)state;
  snprintf(database, sizeof database, "%s/clinic.fdb", root);
  snprintf(parquet_dir, sizeof parquet_dir, "%s/parquet", root);
  pid_t child = fork();
  if (child == 0) _exit(prepare_databases() == 0 ? 0 : 1);
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  char port_text[16];
  snprintf(port_text, sizeof port_text, "%d", port);
  server = fork();
  if (server == 0) {
    /* Keep ctest's output pipe free: it waits for every holder to close it. */
    if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(127);
    execl("/usr/sbin/firebird", "firebird", "-p", port_text, (char *)NULL);
    _exit(127);
  }
  for (int i = 0; i < 200 && !port_open(port); i++) {
    struct timespec pause = {0, 50 * 1000 * 1000};
    nanosleep(&pause, NULL);
  }
  if (!port_open(port)) {
    fprintf(stderr, "the Firebird server did not start on port %d\n", port);
    teardown(state);
    return -1;
  }
  snprintf(server_conn, sizeof server_conn, "127.0.0.1/%d:%s", port, database);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  if (server > 0) {
    /* Firebird 3 may sit in its shutdown after SIGTERM; a scratch server can be
     * killed outright once it had a few seconds to finish cleanly. */
    kill(server, SIGTERM);
    bool gone = false;
    for (int i = 0; i < 60 && !gone; i++) {
      gone = waitpid(server, NULL, WNOHANG) == server;
      struct timespec pause = {0, 50 * 1000 * 1000};
      if (!gone) nanosleep(&pause, NULL);
    }
    if (!gone) {
      kill(server, SIGKILL);
      waitpid(server, NULL, 0);
    }
    server = -1;
  }
  return 0;
}

static void test_firebird_server_reads_what_the_folder_holds(void **state) {
  (void)state;
  md_firebird_options options = {server_conn, "SYSDBA", NULL};
  setenv("FIREBIRD_PASSWORD", PASSWORD, 1); /* the password from the environment */
  md_source *fb = NULL, *pq = NULL;
  md_error err;
  if (md_source_open_firebird(&options, &fb, &err) != MD_OK) fail_msg("%s", err.message);
  unsetenv("FIREBIRD_PASSWORD");
  assert_int_equal(md_source_open_parquet_folder(parquet_dir, &pq, &err), MD_OK);
  for (int i = 0; i < md_source_num_tables(pq); i++) assert_true(compare_tables(fb, pq, md_source_table_name(pq, i), NULL));
  md_source_stream *stream = NULL;
  assert_int_equal(md_source_scan(fb, "no_such_table", NULL, &stream, &err), MD_ERR_NOT_FOUND);
  assert_non_null(strstr(err.message, "host 127.0.0.1"));
  assert_non_null(strstr(err.message, database));
  assert_non_null(strstr(err.message, "no_such_table"));
  md_source_free(fb);
  md_source_free(pq);
}

static void test_firebird_server_wrong_password_names_host_and_hides_password(void **state) {
  (void)state;
  md_firebird_options options = {server_conn, "SYSDBA", "not-the-password-42"};
  md_source *fb = NULL;
  md_error err;
  assert_int_equal(md_source_open_firebird(&options, &fb, &err), MD_ERR_INVALID);
  assert_null(fb);
  assert_non_null(strstr(err.message, "host 127.0.0.1"));
  assert_non_null(strstr(err.message, database));
  assert_non_null(strstr(err.message, "password"));
  assert_null(strstr(err.message, "not-the-password-42"));
}

static void test_firebird_server_unreachable_names_host(void **state) {
  (void)state;
  char conn[1400];
  snprintf(conn, sizeof conn, "127.0.0.1/%d:%s", port == 65000 ? 65001 : 65000, database);
  md_firebird_options options = {conn, "SYSDBA", PASSWORD};
  md_source *fb = NULL;
  md_error err;
  assert_int_equal(md_source_open_firebird(&options, &fb, &err), MD_ERR_IO);
  assert_non_null(strstr(err.message, "host 127.0.0.1"));
  assert_null(strstr(err.message, PASSWORD));
}

int main(void) {
  if (!firebird_engine_path() || access("/usr/sbin/firebird", X_OK) != 0)
    return firebird_skip("no Firebird 3 server (apt-get install firebird3.0-server)");
  const char *why = prepare_root();
  if (why) return firebird_skip(why);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_firebird_server_reads_what_the_folder_holds),
      cmocka_unit_test(test_firebird_server_wrong_password_names_host_and_hides_password),
      cmocka_unit_test(test_firebird_server_unreachable_names_host),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
