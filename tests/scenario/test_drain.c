/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shutdown drain (pn_tcp_owed, pn_tcp_drain): what the Linux kernel
 * goes on doing for a process that exited -- closed sockets finish,
 * TIME-WAIT answers a retransmitted FIN -- done by running the loop on
 * for a bounded time before the stack goes. The loop's sleeps are a fake
 * wait that advances the virtual clock and delivers the peer's segments
 * scripted at given times; every round costs 10 us of virtual time.
 */
#include "scn.h"
#include "tcp_priv.h"

#define SCRIPT_MAX 4

static struct {
	struct {
		uint64_t at;              /* virtual time, ns */
		void (*fn)(void);         /* the peer's segment(s) */
	} ev[SCRIPT_MAX];
	unsigned int n, next;
	unsigned int waits;
} SC;

static void
round_costs_time(struct pn_lcore *lc, void *arg)
{
	(void)arg;
	pn_clock_advance(lc->clock, 10 * PN_NS_PER_US);
}

/* The sleep: up to the next scripted segment (delivered, as an RX
 * interrupt would wake the lcore) or the timeout. */
static int
script_wait(struct pn_lcore *lc, uint64_t timeout_ns)
{
	uint64_t now = pn_clock_now(lc->clock);

	SC.waits++;
	if (SC.next < SC.n && (timeout_ns == UINT64_MAX ||
			     SC.ev[SC.next].at <= now + timeout_ns)) {
		if (SC.ev[SC.next].at > now)
			pn_clock_advance(lc->clock, SC.ev[SC.next].at - now);
		SC.ev[SC.next++].fn();
		return 1;
	}
	assert_true(timeout_ns != UINT64_MAX); /* would sleep for ever */
	pn_clock_advance(lc->clock, timeout_ns);
	return 0;
}

/* After scn_start(): the loop sleeps in script_wait. */
static void
script_start(void)
{
	memset(&SC, 0, sizeof(SC));
	W->lc.ops.wait = script_wait;
	W->lc.events = round_costs_time;
}

/* The peer does @p fn @p ms from now. */
static void
script_at_ms(uint64_t ms, void (*fn)(void))
{
	assert_true(SC.n < SCRIPT_MAX);
	SC.ev[SC.n].at = pn_clock_now(&W->clock) + ms * PN_NS_PER_MS;
	SC.ev[SC.n++].fn = fn;
}

/* The state of the one connection left (its socket closed). */
static uint8_t
scn_state_of_only(void)
{
	assert_int_equal(scn_nconns(), 1);
	return TAILQ_FIRST(&W->tcp->conns)->state;
}

static uint64_t
now_ns(void)
{
	return pn_clock_now(&W->clock);
}

/* tcpblast's source: it sends, shuts down its side, reads the peer's
 * EOF, closes and exits at once. Our ACK of the peer's FIN is lost. */
static void
to_time_wait_after_eof(void)
{
	scn_start();
	script_start();
	scn_passive(1000, 0);
	assert_int_equal(pn_tcp_shutdown(W->c, SHUT_WR), 0);
	OUT(FA, .seq = ISN + 1);
	IN(A, .ack = ISN + 2);
	IN(FA, .ack = ISN + 2);
	OUT(A, .seq = ISN + 2, .ack = 1002); /* lost on its way */
	assert_int_equal(scn_recv(1), 0);     /* EOF */
	pn_tcp_close(W->c);
	W->c = NULL;
	assert_int_equal(scn_state_of_only(), PN_TCP_TIME_WAIT);
}

static void
peer_fin_again(void)
{
	IN(FA, .seq = 1001, .ack = ISN + 2);
}

/* The peer lost our ACK and sends its FIN again after its RTO: the
 * process has exited, but the drain answers it, as Linux's TIME-WAIT
 * does (tcp_timewait_state_process), and then ends by itself. Without
 * the drain the peer stays in LAST-ACK until it gives up. */
static void
exit_after_eof_acks_retransmitted_fin(void **state)
{
	(void)state;
	to_time_wait_after_eof();
	assert_int_not_equal(pn_tcp_owed(W->tcp), 0);
	script_at_ms(200, peer_fin_again);
	assert_int_equal(pn_tcp_drain(W->tcp, 2000 * PN_NS_PER_MS, NULL), 0);
	OUT(A, .seq = ISN + 2, .ack = 1002);
	NONE();
	assert_int_equal(SC.next, 1);
	assert_int_equal(pn_tcp_owed(W->tcp), 0);
}

/* Nothing from the peer: TIME-WAIT is kept two RTOs (200 ms each here)
 * after its FIN, not the 2 MSL. */
static void
time_wait_owed_two_rtos(void **state)
{
	uint64_t t0, until;

	(void)state;
	to_time_wait_after_eof();
	t0 = now_ns();
	until = pn_tcp_owed(W->tcp);
	assert_true(until > t0 && until <= t0 + 400 * PN_NS_PER_MS);
	assert_int_equal(pn_tcp_drain(W->tcp, 2000 * PN_NS_PER_MS, NULL), 0);
	assert_true(now_ns() >= until && now_ns() < t0 + 2000 * PN_NS_PER_MS);
	NONE();
	assert_int_equal(scn_nconns(), 1); /* still in TIME-WAIT */
}

/* The stack goes with TIME-WAIT connections in it: no RST (Linux's
 * TIME-WAIT sends nothing when it ends; a peer in LAST-ACK that lost
 * our ACK would take a RST as ECONNRESET). */
static void
free_sends_no_rst_in_time_wait(void **state)
{
	(void)state;
	to_time_wait_after_eof();
	pn_tcp_free(W->tcp);
	W->tcp = NULL;
	NONE();
}

static void
peer_acks_fin(void)
{
	IN(A, .ack = ISN + 2);
}

/* The application closes an ESTABLISHED connection: our FIN goes. */
static void
closed_in_established(void)
{
	scn_start();
	script_start();
	scn_passive(1000, 0);
	pn_tcp_close(W->c);
	W->c = NULL;
	OUT(FA, .seq = ISN + 1);
}

/* Closed in ESTABLISHED (FIN-WAIT-1): owed until the FIN is ACKed. */
static void
drain_waits_for_our_fin_ack(void **state)
{
	(void)state;
	closed_in_established();
	assert_int_equal(pn_tcp_owed(W->tcp), UINT64_MAX);
	script_at_ms(50, peer_acks_fin);
	assert_int_equal(pn_tcp_drain(W->tcp, 2000 * PN_NS_PER_MS, NULL), 0);
	assert_int_equal(SC.next, 1);
	assert_int_equal(scn_state_of_only(), PN_TCP_FIN_WAIT_2);
	NONE();
}

/* The peer closed first; our close is in LAST-ACK: owed until the ACK
 * of our FIN, and then nothing is left. */
static void
drain_waits_in_last_ack(void **state)
{
	(void)state;
	scn_start();
	script_start();
	scn_passive(1000, 0);
	IN(FA);
	OUT(A, .ack = 1002);
	pn_tcp_close(W->c);
	W->c = NULL;
	OUT(FA, .seq = ISN + 1, .ack = 1002);
	script_at_ms(30, peer_acks_fin);
	assert_int_equal(pn_tcp_drain(W->tcp, 2000 * PN_NS_PER_MS, NULL), 0);
	assert_int_equal(scn_nconns(), 0);
	NONE();
}

/* A delayed ACK would wait for its timer: the drain sends it at once. */
static void
drain_sends_delayed_ack_now(void **state)
{
	uint64_t t0;

	(void)state;
	scn_start();
	script_start();
	scn_passive(1000, 0);
	IN(PA, .len = 10);
	OUT(A);
	IN(PA, .len = 10);
	OUT(A);
	IN(PA, .len = 10);
	NONE(); /* past the quick ACKs: delayed */
	assert_int_equal(scn_recv(30), 30);
	t0 = now_ns();
	assert_int_equal(pn_tcp_drain(W->tcp, 2000 * PN_NS_PER_MS, NULL), 0);
	OUT(A, .ack = 1031);
	assert_true(now_ns() - t0 < PN_NS_PER_MS);
}

/* A peer that never answers: the drain gives up at its bound, having
 * retransmitted the FIN meanwhile; the free then resets. */
static void
drain_bounded(void **state)
{
	(void)state;
	closed_in_established();
	assert_int_equal(pn_tcp_drain(W->tcp, 1000 * PN_NS_PER_MS, NULL),
			 -ETIMEDOUT);
	OUT(FA, .seq = ISN + 1); /* the RTO's retransmission */
	scn_flush();
	pn_tcp_free(W->tcp);
	W->tcp = NULL;
	OUT(RA, .seq = ISN + 2);
}

/* Shards drain together: one that owes nothing polls on (the others'
 * steered packets may come through its queue) until the count is 0. */
static void
drain_settled_shard_waits_for_others(void **state)
{
	atomic_uint busy = 2;
	uint64_t t0;

	(void)state;
	scn_start();
	script_start();
	t0 = now_ns();
	assert_int_equal(pn_tcp_drain(W->tcp, 50 * PN_NS_PER_MS, &busy), 0);
	assert_int_equal(atomic_load(&busy), 1);
	assert_true(now_ns() - t0 >= 50 * PN_NS_PER_MS);
	busy = 1;
	t0 = now_ns();
	assert_int_equal(pn_tcp_drain(W->tcp, 50 * PN_NS_PER_MS, &busy), 0);
	assert_int_equal(atomic_load(&busy), 0);
	assert_true(now_ns() - t0 < PN_NS_PER_MS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		SCN(exit_after_eof_acks_retransmitted_fin),
		SCN(time_wait_owed_two_rtos),
		SCN(free_sends_no_rst_in_time_wait),
		SCN(drain_waits_for_our_fin_ack),
		SCN(drain_waits_in_last_ack),
		SCN(drain_sends_delayed_ack_now),
		SCN(drain_bounded),
		SCN(drain_settled_shard_waits_for_others),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
