/* SPDX-License-Identifier: BSD-3-Clause */
/* Option negotiation: MSS, window scale, SACK-permitted, timestamps. */
#include "scn.h"

static void
synack_mirrors_all_options(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 1, .mss = 1460, .ws = 7, .sackok = 1, .tsval = 77);
	OUT(SA, .mss = 1460, .ws = 7, .sackok = 1, .ts = 1, .tsecr = 77);
}

static void
no_options_no_options_back(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 1);
	OUT(SA, .mss = 1460, .sackok = 0, .ts = 0, .win = 65535);
	assert_int_equal(W->last.opts.has & PN_TCPO_WS, 0);
}

static void
only_timestamps(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 1, .tsval = 5);
	OUT(SA, .sackok = 0, .ts = 1, .tsecr = 5);
	IN(A, .tsval = 6);
	pn_tcp_accept(W->l, &W->cctx, &W->c);
	IN(PA, .len = 1, .tsval = 7);
	OUT(A, .ts = 1, .tsecr = 7);
}

static void
conf_disables_options(void **state)
{
	(void)state;
	W->tconf.sack = false;
	W->tconf.timestamps = false;
	W->tconf.wscale = false;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 1, .mss = 1460, .ws = 7, .sackok = 1, .tsval = 77);
	OUT(SA, .mss = 1460, .sackok = 0, .ts = 0);
	assert_int_equal(W->last.opts.has & PN_TCPO_WS, 0);
}

static void
wscale_clamped_to_14(void **state)
{
	struct pn_tcp_info i;

	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 1, .ws = 20);
	OUT(SA);
	IN(A);
	pn_tcp_accept(W->l, &W->cctx, &W->c);
	pn_tcp_info(W->c, &i);
	assert_int_equal(i.snd_wscale, 14);
}

static void
peer_mss_used(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 1, .mss = 700);
	OUT(SA);
	IN(A);
	pn_tcp_accept(W->l, &W->cctx, &W->c);
	scn_send(1000);
	OUT(A, .len = 700);
}

static void
peer_mss_above_ours_clamped(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 1, .mss = 9000);
	OUT(SA, .mss = 1460);
	IN(A);
	pn_tcp_accept(W->l, &W->cctx, &W->c);
	scn_send(2000);
	OUT(A, .len = 1460);
}

static void
tiny_mss_floored(void **state)
{
	(void)state;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 1, .mss = 40);
	OUT(SA);
	IN(A);
	pn_tcp_accept(W->l, &W->cctx, &W->c);
	scn_send(1000);
	OUT(A, .len = 536);
}

static void
no_mss_option_means_536(void **state)
{
	(void)state;
	W->tconf.mss_min = 100;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 1);
	OUT(SA);
	IN(A);
	pn_tcp_accept(W->l, &W->cctx, &W->c);
	scn_send(1000);
	OUT(A, .len = 536);
}

static void
maxseg_clamps(void **state)
{
	(void)state;
	scn_start();
	scn_passive(1, 1);
	pn_tcp_setopt(W->c, PN_TCP_OPT_MAXSEG, 500);
	scn_send(1000);
	OUT(A, .len = 488); /* 500 - 12 bytes of timestamps */
}

static void
timestamps_shrink_payload(void **state)
{
	(void)state;
	scn_start();
	scn_passive(1, 1);
	scn_send(3000);
	OUT(A, .len = 1448, .ts = 1);
}

static void
conf_mss_announced(void **state)
{
	(void)state;
	W->tconf.mss = 1000;
	scn_start();
	scn_listen(80);
	IN(S, .seq = 1, .mss = 1460);
	OUT(SA, .mss = 1000);
}

static void
active_open_negotiates_ts(void **state)
{
	(void)state;
	scn_start();
	assert_int_equal(pn_tcp_connect(W->tcp, 0, PORT_US, IP_PEER, PORT_PEER,
					 &W->cctx, &W->c), 0);
	OUT(S, .ts = 1, .tsecr = 0);
	IN(SA, .seq = 100, .ack = ISN + 1, .tsval = 55, .tsecr = W->last.opts.tsval);
	OUT(A, .ts = 1, .tsecr = 55);
}

/* Linux tcp_connect_init: TCP_MAXSEG before connect() caps the SYN's MSS
 * option at min(route MSS, value); SO_RCVBUF sets its window and scale. */
static void
connect_options_shape_syn(void **state)
{
	struct pn_tcp_info i;

	(void)state;
	scn_start();
	assert_int_equal(pn_tcp_connect_create(W->tcp, 0, PORT_US, IP_PEER,
					       PORT_PEER, &W->cctx, &W->c), 0);
	scn_flush();
	NONE(); /* nothing before start */
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_MAXSEG, 1000), 0);
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_RCVBUF, 32768), 0);
	pn_tcp_connect_start(W->c);
	OUT(S, .mss = 1000, .ws = 0, .win = 32768);
	IN(SA, .seq = 100, .ack = ISN + 1, .mss = 1460, .ws = 7);
	OUT(A, .win = 32768);
	pn_tcp_info(W->c, &i);
	assert_int_equal(i.rcv_wscale, 0);
	assert_int_equal(i.snd_mss, 1000);
}

static void
connect_maxseg_above_route_mss(void **state)
{
	(void)state;
	scn_start();
	assert_int_equal(pn_tcp_connect_create(W->tcp, 0, PORT_US, IP_PEER,
					       PORT_PEER, &W->cctx, &W->c), 0);
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_MAXSEG, 4000), 0);
	assert_int_equal(pn_tcp_setopt(W->c, PN_TCP_OPT_RCVBUF, 200000), 0);
	pn_tcp_connect_start(W->c);
	/* 200000 needs scale 2 to be offered whole; the SYN is unscaled */
	OUT(S, .mss = 1460, .ws = 2, .win = 65535);
}

static void
connect_default_scale_from_rcvbuf_max(void **state)
{
	(void)state;
	scn_start();
	assert_int_equal(pn_tcp_connect(W->tcp, 0, PORT_US, IP_PEER, PORT_PEER,
					 &W->cctx, &W->c), 0);
	OUT(S, .mss = 1460, .ws = 7);
}

/* Linux: the child is a clone of the listener, so its TCP_MAXSEG and
 * SO_RCVBUF shape the SYN-ACK, and the accepted connection keeps them. */
static void
listener_options_shape_synack(void **state)
{
	int64_t v;

	(void)state;
	scn_start();
	scn_listen(80);
	assert_int_equal(pn_tcp_listen_setopt(W->l, PN_TCP_OPT_MAXSEG, 1200), 0);
	assert_int_equal(pn_tcp_listen_setopt(W->l, PN_TCP_OPT_RCVBUF, 32768), 0);
	assert_int_equal(pn_tcp_listen_setopt(W->l, PN_TCP_OPT_MAXSEG, 10),
			 -EINVAL);
	assert_int_equal(pn_tcp_listen_setopt(W->l, PN_TCP_OPT_NODELAY, 1),
			 -EINVAL);
	IN(S, .seq = 1, .mss = 1460, .ws = 7);
	OUT(SA, .mss = 1200, .ws = 0, .win = 32768);
	IN(A);
	assert_int_equal(pn_tcp_accept(W->l, &W->cctx, &W->c), 0);
	assert_int_equal(pn_tcp_getopt(W->c, PN_TCP_OPT_RCVBUF, &v), 0);
	assert_int_equal(v, 32768);
	assert_int_equal(pn_tcp_getopt(W->c, PN_TCP_OPT_MAXSEG, &v), 0);
	assert_int_equal(v, 1200);
	assert_int_equal(scn_send(3000), 3000);
	OUT(PA, .len = 1200);
	OUT(PA, .len = 1200);
	NONE(); /* Nagle holds the 600 left */
	IN(A);
	OUT(PA, .len = 600);
}

static void
listener_maxseg_in_cookie_synack(void **state)
{
	(void)state;
	W->tconf.syn_backlog = 1;
	scn_start();
	scn_listen(80);
	assert_int_equal(pn_tcp_listen_setopt(W->l, PN_TCP_OPT_MAXSEG, 1200), 0);
	IN(S, .seq = 1, .mss = 1460);
	OUT(SA, .mss = 1200);
	IN(S, .seq = 5000, .mss = 1460, .sport = 40001);
	OUT(SA, .mss = 1200); /* cookie MSS from the table, <= 1200 */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(synack_mirrors_all_options),
		SCN(no_options_no_options_back),
		SCN(only_timestamps),
		SCN(conf_disables_options),
		SCN(wscale_clamped_to_14),
		SCN(peer_mss_used),
		SCN(peer_mss_above_ours_clamped),
		SCN(tiny_mss_floored),
		SCN(no_mss_option_means_536),
		SCN(maxseg_clamps),
		SCN(timestamps_shrink_payload),
		SCN(conf_mss_announced),
		SCN(active_open_negotiates_ts),
		SCN(connect_options_shape_syn),
		SCN(connect_maxseg_above_route_mss),
		SCN(connect_default_scale_from_rcvbuf_max),
		SCN(listener_options_shape_synack),
		SCN(listener_maxseg_in_cookie_synack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
