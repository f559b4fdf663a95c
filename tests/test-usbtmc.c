/* test-usbtmc.c: the usbtmc: transport through the real libusb against USB
 * devices faked by umockdev (tests/support/ll-fake-usbtmc.c) and answered by
 * the simulator, plus unit tests of the USB-TMC framing (ll-usbtmc-proto) on
 * byte arrays. Covered: round trips, choosing a device by serial number,
 * commands and replies spread over several transfers and bulk reads, a binary
 * block, zero-length packets, an exact-length read that ends where the
 * message ends (the end of message is kept for the next line read), bTag
 * roll-over, no reply, a late reply removed by the device clear, a wrong
 * bTag, the device vanishing (between and during exchanges), an oversized
 * reply and a missing device.
 * Runs under umockdev-wrapper. */
#include "ll-test-util.h"
#include "ll-fake-usbtmc.h"
#include "ll-transport.h"
#include "ll-usbtmc-proto.h"

#include <string.h>

#define VID 0x0957
#define PID 0x1234

/* ---- framing unit tests ---------------------------------------------------- */

static void
test_proto_out(void)
{
  guint8 buf[64];
  memset(buf, 0xee, sizeof buf);
  gsize n = ll_usbtmc_encode_dev_dep_msg_out(buf, sizeof buf, 7, (const guint8 *) "*IDN?\n", 6,
                                             TRUE);
  static const guint8 want[] = { 0x01, 0x07, 0xf8, 0x00, 0x06, 0x00, 0x00, 0x00, 0x01, 0x00,
                                 0x00, 0x00, '*',  'I',  'D',  'N',  '?',  '\n', 0x00, 0x00 };
  g_assert_cmpmem(buf, n, want, sizeof want);
  g_assert_cmpuint(buf[20], ==, 0xee); /* nothing written past the padding */

  /* a multiple of 4 needs no padding; no EOM leaves the attributes 0 */
  n = ll_usbtmc_encode_dev_dep_msg_out(buf, sizeof buf, 200, (const guint8 *) "ABCD", 4, FALSE);
  g_assert_cmpuint(n, ==, 16);
  g_assert_cmpuint(buf[1], ==, 200);
  g_assert_cmpuint(buf[2], ==, 55);
  g_assert_cmpuint(buf[8], ==, 0);
  g_assert_cmpmem(buf + 12, 4, "ABCD", 4);

  /* an empty message is a bare header */
  n = ll_usbtmc_encode_dev_dep_msg_out(buf, sizeof buf, 1, NULL, 0, TRUE);
  g_assert_cmpuint(n, ==, 12);
  g_assert_cmpuint(buf[4] | buf[5] | buf[6] | buf[7], ==, 0);

  for (gsize len = 0; len < 12; len++)
    g_assert_cmpuint(ll_usbtmc_out_size(len), ==, 12 + (len + 3) / 4 * 4);

  /* the transfer size is little-endian over four bytes */
  gsize big = 0x011170;
  g_autofree guint8 *payload = g_malloc0(big);
  g_autofree guint8 *out = g_malloc(ll_usbtmc_out_size(big));
  n = ll_usbtmc_encode_dev_dep_msg_out(out, ll_usbtmc_out_size(big), 9, payload, big, TRUE);
  g_assert_cmpuint(n, ==, 12 + big);
  g_assert_cmpuint(out[4], ==, 0x70);
  g_assert_cmpuint(out[5], ==, 0x11);
  g_assert_cmpuint(out[6], ==, 0x01);
  g_assert_cmpuint(out[7], ==, 0x00);
}

static void
test_proto_request(void)
{
  guint8 h[LL_USBTMC_HEADER_SIZE];
  ll_usbtmc_encode_request_dev_dep_msg_in(h, 255, 0x00100000, FALSE, 0);
  static const guint8 want[] = { 0x02, 0xff, 0x00, 0x00, 0x00, 0x00,
                                 0x10, 0x00, 0x00, 0x00, 0x00, 0x00 };
  g_assert_cmpmem(h, sizeof h, want, sizeof want);
  ll_usbtmc_encode_request_dev_dep_msg_in(h, 3, 4084, TRUE, '\n');
  static const guint8 want_term[] = { 0x02, 0x03, 0xfc, 0x00, 0xf4, 0x0f,
                                      0x00, 0x00, 0x02, 0x0a, 0x00, 0x00 };
  g_assert_cmpmem(h, sizeof h, want_term, sizeof want_term);
}

static void
test_proto_btag(void)
{
  guint8 counter = 0;
  g_assert_cmpuint(ll_usbtmc_next_btag(&counter), ==, 1);
  g_assert_cmpuint(ll_usbtmc_next_btag(&counter), ==, 2);
  guint8 prev = 2;
  guint wraps = 0;
  for (guint i = 0; i < 1000; i++) {
    guint8 tag = ll_usbtmc_next_btag(&counter);
    g_assert_cmpuint(tag, !=, 0);
    g_assert_cmpuint(tag, ==, prev == 255 ? 1 : prev + 1);
    wraps += prev == 255;
    prev = tag;
  }
  g_assert_cmpuint(wraps, ==, 3);
  counter = 255;
  g_assert_cmpuint(ll_usbtmc_next_btag(&counter), ==, 255);
  g_assert_cmpuint(ll_usbtmc_next_btag(&counter), ==, 1);
}

static void
in_header(guint8 *b, guint8 msgid, guint8 tag, guint8 inverse, guint32 size, guint8 attr)
{
  memset(b, 0, 12);
  b[0] = msgid;
  b[1] = tag;
  b[2] = inverse;
  b[4] = (guint8) size;
  b[5] = (guint8) (size >> 8);
  b[6] = (guint8) (size >> 16);
  b[7] = (guint8) (size >> 24);
  b[8] = attr;
}

static void
test_proto_decode(void)
{
  guint8 b[32] = { 0 };
  LlUsbtmcInHeader h = { 0 };
  g_autoptr(GError) err = NULL;

  in_header(b, 2, 9, 0xf6, 6, 1);
  g_assert_true(ll_usbtmc_decode_dev_dep_msg_in(b, 20, 9, 1000, TRUE, &h, &err));
  g_assert_no_error(err);
  g_assert_cmpuint(h.btag, ==, 9);
  g_assert_cmpuint(h.transfer_size, ==, 6);
  g_assert_true(h.eom);

  in_header(b, 2, 9, 0xf6, 6, 0);
  g_assert_true(ll_usbtmc_decode_dev_dep_msg_in(b, 20, 9, 1000, TRUE, &h, &err));
  g_assert_false(h.eom);

  /* a payload that goes on in the next bulk read is fine ... */
  in_header(b, 2, 9, 0xf6, 5000, 1);
  g_assert_true(ll_usbtmc_decode_dev_dep_msg_in(b, 32, 9, 1000000, FALSE, &h, &err));
  g_assert_cmpuint(h.transfer_size, ==, 5000);
  /* ... but not after a short packet ended the transfer */
  g_assert_false(ll_usbtmc_decode_dev_dep_msg_in(b, 32, 9, 1000000, TRUE, &h, &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_PROTOCOL);
  g_assert_nonnull(strstr(err->message, "5000"));
  g_assert_nonnull(strstr(err->message, "20"));
  g_clear_error(&err);
  /* more than requested */
  g_assert_false(ll_usbtmc_decode_dev_dep_msg_in(b, 32, 9, 4096, FALSE, &h, &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_PROTOCOL);
  g_assert_nonnull(strstr(err->message, "4096"));
  g_clear_error(&err);

  /* ~bTag that is not the complement */
  in_header(b, 2, 9, 0xf7, 6, 1);
  g_assert_false(ll_usbtmc_decode_dev_dep_msg_in(b, 20, 9, 1000, TRUE, &h, &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_PROTOCOL);
  g_assert_nonnull(strstr(err->message, "bTagInverse 0xf7"));
  g_clear_error(&err);

  /* a well-formed reply to another request */
  in_header(b, 2, 8, 0xf7, 6, 1);
  g_assert_false(ll_usbtmc_decode_dev_dep_msg_in(b, 20, 9, 1000, TRUE, &h, &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_PROTOCOL);
  g_assert_nonnull(strstr(err->message, "bTag 8"));
  g_assert_nonnull(strstr(err->message, "bTag 9"));
  g_clear_error(&err);

  /* not a DEV_DEP_MSG_IN */
  in_header(b, 1, 9, 0xf6, 6, 1);
  g_assert_false(ll_usbtmc_decode_dev_dep_msg_in(b, 20, 9, 1000, TRUE, &h, &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_PROTOCOL);
  g_assert_nonnull(strstr(err->message, "MsgID 1"));
  g_clear_error(&err);

  /* short header */
  in_header(b, 2, 9, 0xf6, 0, 1);
  g_assert_false(ll_usbtmc_decode_dev_dep_msg_in(b, 11, 9, 1000, TRUE, &h, &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_PROTOCOL);
  g_assert_nonnull(strstr(err->message, "11 bytes"));
  g_clear_error(&err);
  g_assert_false(ll_usbtmc_decode_dev_dep_msg_in(b, 0, 9, 1000, TRUE, &h, &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_PROTOCOL);
}

/* ---- against the fake device ------------------------------------------------ */

typedef struct {
  const char *sim_options; /* "key=value&..." for the simulator */
  guint max_transfer;      /* the fake's cap per DEV_DEP_MSG_IN */
} Params;

typedef struct {
  UMockdevTestbed *testbed;
  LlFakeUsbtmc *fake;
} Fixture;


static LlFakeUsbtmc *
add_fake(UMockdevTestbed *tb, guint devnum, const char *serial, const char *sim_options,
         guint max_transfer)
{
  LlFakeUsbtmcInfo info = { devnum, VID, PID, serial, "Lightline Test", "TMC Simulator",
                            max_transfer };
  g_autofree gchar *opts = g_strdup_printf("serial=%s%s%s", serial, sim_options ? "&" : "",
                                           sim_options ? sim_options : "");
  g_autoptr(GError) err = NULL;
  LlFakeUsbtmc *f = ll_fake_usbtmc_new(tb, &info, ll_test_sim_device(opts), &err);
  g_assert_no_error(err);
  return f;
}

static void
fixture_setup(Fixture *f, gconstpointer data)
{
  const Params *p = data;
  f->testbed = umockdev_testbed_new();
  g_assert_true(umockdev_in_mock_environment());
  f->fake = add_fake(f->testbed, 7, "TMC-0001", p ? p->sim_options : NULL,
                     p ? p->max_transfer : 0);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
  ll_fake_usbtmc_free(f->fake);
  g_object_unref(f->testbed);
}

static LlTransport *
open_fake(Fixture *f, const char *options)
{
  g_autofree gchar *res = g_strdup_printf("%s%s%s", ll_fake_usbtmc_resource(f->fake),
                                          options ? "?" : "", options ? options : "");
  g_autoptr(GError) err = NULL;
  LlTransport *t = ll_transport_open(res, &err);
  g_assert_no_error(err);
  g_assert_nonnull(t);
  return t;
}

static gchar *
query(LlTransport *t, const char *cmd, GError **error)
{
  if (!ll_transport_write_line(t, cmd, error))
    return NULL;
  return ll_transport_read_line(t, NULL, error);
}

static void
assert_no_host_errors(Fixture *f)
{
  g_autofree gchar *e = ll_fake_usbtmc_last_host_error(f->fake);
  g_assert_cmpstr(e, ==, NULL);
}

static void
test_idn(Fixture *f, gconstpointer data)
{
  g_autoptr(LlTransport) t = open_fake(f, NULL);
  g_autoptr(GError) err = NULL;
  g_autofree gchar *idn = query(t, "*IDN?", &err);
  g_assert_no_error(err);
  g_assert_cmpstr(idn, ==, "Lightline,SIM-SCPI,TMC-0001,1.0");
  g_autofree gchar *volts = query(t, "MEAS:VOLT?", &err);
  g_assert_no_error(err);
  g_assert_cmpstr(volts, ==, "+1.250000E+00");
  g_autofree gchar *noerr = query(t, "SYST:ERR?", &err);
  g_assert_no_error(err);
  g_assert_cmpstr(noerr, ==, "0,\"No error\"");

  LlFakeUsbtmcStats st;
  ll_fake_usbtmc_get_stats(f->fake, &st);
  g_assert_cmpuint(st.out_transfers, ==, 3);
  g_assert_cmpuint(st.out_eom, ==, 3);
  g_assert_cmpuint(st.in_requests, ==, 3);
  g_assert_cmpuint(st.in_transfers, ==, 3);
  g_assert_cmpuint(st.initiate_clears, ==, 0); /* no fault, no clear */
  assert_no_host_errors(f);
  g_assert_cmpuint(ll_sim_device_command_count(ll_fake_usbtmc_device(f->fake)), ==, 3);
}

static void
test_serial_select(void)
{
  g_autoptr(UMockdevTestbed) tb = umockdev_testbed_new();
  g_autoptr(LlFakeUsbtmc) a = add_fake(tb, 5, "SN-A", NULL, 0);
  g_autoptr(LlFakeUsbtmc) b = add_fake(tb, 6, "SN-B", NULL, 0);
  g_autoptr(GError) err = NULL;
  const char *want[] = { "SN-B", "SN-A", "SN-B" };
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    g_autofree gchar *res = g_strdup_printf("usbtmc:0957:1234:%s", want[i]);
    g_autoptr(LlTransport) t = ll_transport_open(res, &err);
    g_assert_no_error(err);
    g_autofree gchar *idn = query(t, "*IDN?", &err);
    g_assert_no_error(err);
    g_autofree gchar *expect = g_strdup_printf("Lightline,SIM-SCPI,%s,1.0", want[i]);
    g_assert_cmpstr(idn, ==, expect);
  }
  /* each device got exactly the queries addressed to it */
  g_assert_cmpuint(ll_sim_device_command_count(ll_fake_usbtmc_device(a)), ==, 1);
  g_assert_cmpuint(ll_sim_device_command_count(ll_fake_usbtmc_device(b)), ==, 2);

  /* without a serial number: the first one found */
  g_autoptr(LlTransport) any = ll_transport_open("usbtmc:0957:1234", &err);
  g_assert_no_error(err);
  g_autofree gchar *idn = query(any, "*IDN?", &err);
  g_assert_no_error(err);
  g_assert_true(g_str_equal(idn, "Lightline,SIM-SCPI,SN-A,1.0") ||
                g_str_equal(idn, "Lightline,SIM-SCPI,SN-B,1.0"));

  /* a serial number nobody has */
  g_assert_null(ll_transport_open("usbtmc:0957:1234:SN-C", &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_NOT_FOUND);
  g_assert_nonnull(strstr(err->message, "0957:1234"));
  g_assert_nonnull(strstr(err->message, "SN-C"));
  g_assert_nonnull(strstr(err->message, "SN-A"));
  g_assert_nonnull(strstr(err->message, "SN-B"));
}

static gchar *
make_text(gsize len)
{
  gchar *s = g_malloc(len + 1);
  for (gsize i = 0; i < len; i++)
    s[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[i % 36];
  s[len] = '\0';
  return s;
}

/* A 5000-byte command goes out as two DEV_DEP_MSG_OUT transfers (EOM only on
 * the second, or the simulator would run half a command); the 5001-byte reply
 * comes back as one DEV_DEP_MSG_IN transfer over two bulk reads. */
static void
test_long_reply(Fixture *f, gconstpointer data)
{
  g_autoptr(LlTransport) t = open_fake(f, NULL);
  g_autoptr(GError) err = NULL;
  g_autofree gchar *text = make_text(5000);
  g_autofree gchar *cmd = g_strdup_printf("TEST:ECHO? %s", text);
  g_autofree gchar *reply = query(t, cmd, &err);
  g_assert_no_error(err);
  g_assert_cmpuint(strlen(reply), ==, 5000);
  g_assert_cmpstr(reply, ==, text);
  LlFakeUsbtmcStats st;
  ll_fake_usbtmc_get_stats(f->fake, &st);
  g_assert_cmpuint(st.out_transfers, ==, 2);
  g_assert_cmpuint(st.out_eom, ==, 1);
  g_assert_cmpuint(st.in_requests, ==, 1);
  g_assert_cmpuint(st.in_transfers, ==, 1);
  g_assert_cmpuint(ll_sim_device_command_count(ll_fake_usbtmc_device(f->fake)), ==, 1);
  assert_no_host_errors(f);
}

/* A device that sends at most 1000 bytes per transfer: the reply comes in six
 * transfers, EOM only on the last, each after its own request. */
static void
test_split_reply(Fixture *f, gconstpointer data)
{
  g_autoptr(LlTransport) t = open_fake(f, NULL);
  g_autoptr(GError) err = NULL;
  g_autofree gchar *text = make_text(5000);
  g_autofree gchar *cmd = g_strdup_printf("TEST:ECHO? %s", text);
  g_autofree gchar *reply = query(t, cmd, &err);
  g_assert_no_error(err);
  g_assert_cmpstr(reply, ==, text);
  LlFakeUsbtmcStats st;
  ll_fake_usbtmc_get_stats(f->fake, &st);
  g_assert_cmpuint(st.in_transfers, ==, 6);
  g_assert_cmpuint(st.in_requests, ==, 6);
  g_autofree gchar *idn = query(t, "*IDN?", &err);
  g_assert_no_error(err);
  g_assert_cmpstr(idn, ==, "Lightline,SIM-SCPI,TMC-0001,1.0");
  assert_no_host_errors(f);
}

static void
test_block(Fixture *f, gconstpointer data)
{
  g_autoptr(LlTransport) t = open_fake(f, NULL);
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_transport_write_line(t, "TEST:BLOCk? 10000", &err));
  g_assert_no_error(err);
  char head[8] = { 0 };
  g_assert_true(ll_transport_read_exact(t, head, 2, &err));
  g_assert_no_error(err);
  g_assert_cmpstr(head, ==, "#5");
  g_assert_true(ll_transport_read_exact(t, head, 5, &err));
  g_assert_cmpstr(head, ==, "10000");
  g_autofree guint8 *data_ = g_malloc(10000);
  g_assert_true(ll_transport_read_exact(t, data_, 10000, &err));
  g_assert_no_error(err);
  guint newlines = 0;
  for (guint i = 0; i < 10000; i++) {
    g_assert_cmpuint(data_[i], ==, (guint8) (i * 7 + 3));
    newlines += data_[i] == '\n';
  }
  g_assert_cmpuint(newlines, >, 0); /* the block really holds the terminator byte */
  gsize len = 99;
  g_autofree gchar *rest = ll_transport_read_line(t, &len, &err);
  g_assert_no_error(err);
  g_assert_cmpstr(rest, ==, "");
  g_assert_cmpuint(len, ==, 0);
  /* nothing left over for the next query */
  g_autofree gchar *idn = query(t, "*IDN?", &err);
  g_assert_no_error(err);
  g_assert_cmpstr(idn, ==, "Lightline,SIM-SCPI,TMC-0001,1.0");

  /* The EOM bit ends the message: asking for more than the 15-byte reply
   * "#210" + 10 bytes + "\n" fails at once, not after the timeout. */
  g_assert_true(ll_transport_write_line(t, "TEST:BLOC? 10", &err));
  guint8 more[100];
  gint64 t0 = g_get_monotonic_time();
  g_assert_false(ll_transport_read_exact(t, more, sizeof more, &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_PROTOCOL);
  g_assert_nonnull(strstr(err->message, "after 15 of 100 bytes"));
  g_assert_cmpint(g_get_monotonic_time() - t0, <, 1000000); /* the timeout is 2 s */
  assert_no_host_errors(f);
}

/* A 4084-byte reply makes a 4096-byte transfer: it fills the bulk read
 * exactly and ends on a packet boundary, so the device follows it with a
 * zero-length packet, which the next read must skip. */
static void
test_zero_length_packet(Fixture *f, gconstpointer data)
{
  g_autoptr(LlTransport) t = open_fake(f, NULL);
  g_autoptr(GError) err = NULL;
  g_autofree gchar *text = make_text(4083);
  g_autofree gchar *cmd = g_strdup_printf("TEST:ECHO? %s", text);
  g_autofree gchar *reply = query(t, cmd, &err);
  g_assert_no_error(err);
  g_assert_cmpstr(reply, ==, text);
  g_autofree gchar *idn = query(t, "*IDN?", &err);
  g_assert_no_error(err);
  g_assert_cmpstr(idn, ==, "Lightline,SIM-SCPI,TMC-0001,1.0");
  LlFakeUsbtmcStats st;
  ll_fake_usbtmc_get_stats(f->fake, &st);
  g_assert_cmpuint(st.zero_packets, ==, 1);
  g_assert_cmpuint(st.initiate_clears, ==, 0);
  assert_no_host_errors(f);
}

/* An exact-length read that takes the whole message, terminator included,
 * leaves its end of message (EOM) at offset 0 of the buffer: the line read
 * that follows must see it and return an empty line at once, not wait for a
 * message that is not coming. */
static void
test_exact_read_to_eom(Fixture *f, gconstpointer data)
{
  g_autoptr(LlTransport) t = open_fake(f, "timeout=2000");
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_transport_write_line(t, "TEST:ECHO? abc", &err));
  char all[4];
  g_assert_true(ll_transport_read_exact(t, all, sizeof all, &err));
  g_assert_no_error(err);
  g_assert_cmpmem(all, sizeof all, "abc\n", 4);
  gint64 t0 = g_get_monotonic_time();
  gsize len = 99;
  g_autofree gchar *rest = ll_transport_read_line(t, &len, &err);
  g_assert_no_error(err);
  g_assert_cmpstr(rest, ==, "");
  g_assert_cmpuint(len, ==, 0);
  g_assert_cmpint(g_get_monotonic_time() - t0, <, 500000);
  /* and that end was consumed: the next exchange is in step */
  g_autofree gchar *idn = query(t, "*IDN?", &err);
  g_assert_no_error(err);
  g_assert_cmpstr(idn, ==, "Lightline,SIM-SCPI,TMC-0001,1.0");
  assert_no_host_errors(f);
}

/* Two bTags per query: 310 queries take the counter round 255 twice. */
static void
test_btag_rollover(Fixture *f, gconstpointer data)
{
  g_autoptr(LlTransport) t = open_fake(f, NULL);
  g_autoptr(GError) err = NULL;
  for (guint i = 0; i < 310; i++) {
    g_autofree gchar *cmd = g_strdup_printf("TEST:ECHO? q%u", i);
    g_autofree gchar *reply = query(t, cmd, &err);
    g_assert_no_error(err);
    g_autofree gchar *want = g_strdup_printf("q%u", i);
    g_assert_cmpstr(reply, ==, want);
  }
  LlFakeUsbtmcStats st;
  ll_fake_usbtmc_get_stats(f->fake, &st);
  g_assert_cmpuint(st.btag_wraps, ==, 2);
  g_assert_cmpuint(st.out_transfers, ==, 310);
  g_assert_cmpuint(st.in_requests, ==, 310);
  assert_no_host_errors(f); /* bTag never 0, ~bTag right, always the next one */
}

static void
test_noreply(Fixture *f, gconstpointer data)
{
  g_autoptr(LlTransport) t = open_fake(f, "timeout=300");
  g_autoptr(GError) err = NULL;
  gint64 t0 = g_get_monotonic_time();
  g_autofree gchar *r = query(t, "*IDN?", &err);
  gint64 elapsed = g_get_monotonic_time() - t0;
  g_assert_null(r);
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT);
  g_assert_nonnull(strstr(err->message, "300 ms"));
  g_assert_cmpint(elapsed, >=, 290000);
  g_assert_cmpint(elapsed, <, 1500000);
  /* the timeout cleared the device */
  LlFakeUsbtmcStats st;
  ll_fake_usbtmc_get_stats(f->fake, &st);
  g_assert_cmpuint(st.initiate_clears, >=, 1);
  g_assert_cmpuint(st.check_clears, >=, 1);
  g_assert_false(ll_transport_is_disconnected(t));
}

/* Every reply is 600 ms late and the timeout is 300 ms: the first query
 * times out, its reply would be ready by the time the second is sent, and
 * only the device clear (INITIATE_CLEAR) keeps it from being taken for the
 * second query's answer. */
static void
test_late_reply(Fixture *f, gconstpointer data)
{
  g_autoptr(LlTransport) t = open_fake(f, "timeout=300");
  g_autoptr(GError) err = NULL;
  g_autofree gchar *r1 = query(t, "TEST:ECHO? first", &err);
  g_assert_null(r1);
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_TIMEOUT);
  g_clear_error(&err);
  LlFakeUsbtmcStats st;
  ll_fake_usbtmc_get_stats(f->fake, &st);
  g_assert_cmpuint(st.initiate_clears, ==, 1);   /* at once after the timeout */
  g_assert_cmpuint(st.aborts_succeeded, ==, 1);  /* the pending request was aborted */
  g_usleep(500000); /* "first" would be ready now */
  ll_transport_set_timeout(t, 3000);
  g_autofree gchar *r2 = query(t, "TEST:ECHO? second", &err);
  g_assert_no_error(err);
  g_assert_cmpstr(r2, ==, "second");
  ll_fake_usbtmc_get_stats(f->fake, &st);
  g_assert_cmpuint(st.initiate_clears, ==, 2); /* and again before the next write */
  g_autofree gchar *r3 = query(t, "TEST:ECHO? third", &err);
  g_assert_no_error(err);
  g_assert_cmpstr(r3, ==, "third");
  assert_no_host_errors(f);
}

static void
test_wrong_btag(Fixture *f, gconstpointer data)
{
  g_autoptr(LlTransport) t = open_fake(f, NULL);
  g_autoptr(GError) err = NULL;
  ll_fake_usbtmc_set_fault(f->fake, LL_FAKE_USBTMC_FAULT_WRONG_BTAG);
  g_autofree gchar *r = query(t, "*IDN?", &err);
  g_assert_null(r);
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_PROTOCOL);
  g_assert_nonnull(strstr(err->message, "bTag"));
  g_assert_nonnull(strstr(err->message, ll_fake_usbtmc_resource(f->fake)));
  g_clear_error(&err);
  LlFakeUsbtmcStats st;
  ll_fake_usbtmc_get_stats(f->fake, &st);
  g_assert_cmpuint(st.initiate_clears, ==, 1);
  /* the fault gone, the transport works again */
  ll_fake_usbtmc_set_fault(f->fake, LL_FAKE_USBTMC_FAULT_NONE);
  g_autofree gchar *idn = query(t, "*IDN?", &err);
  g_assert_no_error(err);
  g_assert_cmpstr(idn, ==, "Lightline,SIM-SCPI,TMC-0001,1.0");
  assert_no_host_errors(f);
}

static void
assert_dead(LlTransport *t)
{
  g_autoptr(GError) err = NULL;
  gint64 t0 = g_get_monotonic_time();
  g_assert_false(ll_transport_write_line(t, "*IDN?", &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_DISCONNECTED);
  g_clear_error(&err);
  g_assert_null(ll_transport_read_line(t, NULL, &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_DISCONNECTED);
  g_clear_error(&err);
  g_assert_false(ll_transport_clear(t, &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_DISCONNECTED);
  g_assert_cmpint(g_get_monotonic_time() - t0, <, 100000);
  g_assert_true(ll_transport_is_disconnected(t));
}

/* The simulator vanishes on the second command (fault=vanish&after=1). */
static void
test_vanish(Fixture *f, gconstpointer data)
{
  g_autoptr(LlTransport) t = open_fake(f, "timeout=5000");
  g_autoptr(GError) err = NULL;
  g_autofree gchar *ok = query(t, "*IDN?", &err);
  g_assert_no_error(err);
  gint64 t0 = g_get_monotonic_time();
  g_autofree gchar *r = query(t, "*IDN?", &err);
  g_assert_null(r);
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_DISCONNECTED);
  g_assert_cmpint(g_get_monotonic_time() - t0, <, 2000000); /* not the 5 s timeout */
  g_assert_true(ll_fake_usbtmc_is_unplugged(f->fake));
  assert_dead(t);
}

static gpointer
unplug_later(gpointer data)
{
  g_usleep(200000);
  ll_fake_usbtmc_unplug(data);
  return NULL;
}

/* Unplugged while a read waits for a slow reply (delay=2000): the waiting
 * bulk-IN transfer ends with "no device" long before the timeout. */
static void
test_unplug_mid_read(Fixture *f, gconstpointer data)
{
  g_autoptr(LlTransport) t = open_fake(f, "timeout=5000");
  g_autoptr(GError) err = NULL;
  g_assert_true(ll_transport_write_line(t, "*IDN?", &err));
  gint64 t0 = g_get_monotonic_time();
  GThread *th = g_thread_new("unplug", unplug_later, f->fake);
  g_autofree gchar *r = ll_transport_read_line(t, NULL, &err);
  g_thread_join(th);
  g_assert_null(r);
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_DISCONNECTED);
  gint64 elapsed = g_get_monotonic_time() - t0;
  g_assert_cmpint(elapsed, >=, 150000);
  g_assert_cmpint(elapsed, <, 1500000);
  assert_dead(t);
  g_clear_error(&err);
  /* gone from the bus too */
  g_assert_null(ll_transport_open(ll_fake_usbtmc_resource(f->fake), &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_NOT_FOUND);
}

static void
test_oversize(Fixture *f, gconstpointer data)
{
  g_autoptr(LlTransport) t = open_fake(f, "maxreply=4096&timeout=3000");
  g_autoptr(GError) err = NULL;
  for (guint i = 0; i < 2; i++) {
    g_autofree gchar *r = query(t, "MEAS:VOLT?", &err);
    g_assert_null(r);
    /* the second time too: the first reply's remains were cleared, so the
     * second fails the same way and not with a framing error */
    g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_OVERFLOW);
    g_assert_nonnull(strstr(err->message, "4096"));
    g_clear_error(&err);
  }
  LlFakeUsbtmcStats st;
  ll_fake_usbtmc_get_stats(f->fake, &st);
  g_assert_cmpuint(st.initiate_clears, >=, 2);
  g_assert_cmpuint(st.aborts_succeeded, >=, 2); /* the 1 MiB transfer was cut short */
  assert_no_host_errors(f);
}

static void
test_not_found(void)
{
  g_autoptr(UMockdevTestbed) tb = umockdev_testbed_new();
  g_autoptr(GError) err = NULL;
  g_assert_null(ll_transport_open("usbtmc:1313:8078", &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_NOT_FOUND);
  g_assert_nonnull(strstr(err->message, "1313:8078"));
  g_clear_error(&err);
  /* another device on the bus does not match */
  g_autoptr(LlFakeUsbtmc) other = add_fake(tb, 9, "X1", NULL, 0);
  g_assert_null(ll_transport_open("usbtmc:1313:8078:P0012345", &err));
  g_assert_error(err, LL_TRANSPORT_ERROR, LL_TRANSPORT_ERROR_NOT_FOUND);
  g_assert_nonnull(strstr(err->message, "1313:8078 with serial number P0012345"));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/usbtmc/proto/out-header", test_proto_out);
  g_test_add_func("/usbtmc/proto/request-header", test_proto_request);
  g_test_add_func("/usbtmc/proto/btag", test_proto_btag);
  g_test_add_func("/usbtmc/proto/decode", test_proto_decode);

  static const Params plain = { NULL, 0 };
  static const Params split = { NULL, 1000 };
  static const Params noreply = { "fault=noreply", 0 };
  static const Params slow = { "delay=600", 0 };
  static const Params slower = { "delay=2000", 0 };
  static const Params vanish = { "fault=vanish&after=1", 0 };
  static const Params oversize = { "fault=oversize", 0 };
#define ADD(path, params, fn) \
  g_test_add(path, Fixture, params, fixture_setup, fn, fixture_teardown)
  ADD("/usbtmc/idn", &plain, test_idn);
  g_test_add_func("/usbtmc/serial-select", test_serial_select);
  ADD("/usbtmc/long-reply", &plain, test_long_reply);
  ADD("/usbtmc/split-reply", &split, test_split_reply);
  ADD("/usbtmc/block", &plain, test_block);
  ADD("/usbtmc/zero-length-packet", &plain, test_zero_length_packet);
  ADD("/usbtmc/exact-read-to-eom", &plain, test_exact_read_to_eom);
  ADD("/usbtmc/btag-rollover", &plain, test_btag_rollover);
  ADD("/usbtmc/noreply", &noreply, test_noreply);
  ADD("/usbtmc/late-reply", &slow, test_late_reply);
  ADD("/usbtmc/wrong-btag", &plain, test_wrong_btag);
  ADD("/usbtmc/vanish", &vanish, test_vanish);
  ADD("/usbtmc/unplug-mid-read", &slower, test_unplug_mid_read);
  ADD("/usbtmc/oversize", &oversize, test_oversize);
  g_test_add_func("/usbtmc/not-found", test_not_found);
  return g_test_run();
}
