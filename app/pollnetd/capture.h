/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PND_CAPTURE_H
#define PND_CAPTURE_H

/*
 * pollnetd's packet capture into pcapng (capture.c): ethdev RX/TX callbacks
 * copy into bounded per-queue rings, the main thread writes the file.
 * Telemetry: /pollnet/capture[,start,PATH[,SNAP]|,stop].
 */

#include <stddef.h>
#include <stdint.h>

/*
 * Install the callbacks on @p nb_queues queues of @p port_id, make the
 * rings, register the telemetry command.
 * @return 0 or a negative errno with @p err filled.
 */
int pnd_capture_init(uint16_t port_id, uint16_t nb_queues, int socket,
		     char *err, size_t len);

/* Start writing @p path (snaplen 0: whole packets).
 * @return 0 or -errno with @p err filled. */
int pnd_capture_start(const char *path, uint32_t snaplen, char *err,
		      size_t len);

/* The main thread's part: write what the lcores copied. */
void pnd_capture_poll(void);

/* Stop a running capture and remove the callbacks; at exit, after the
 * lcores stopped. */
void pnd_capture_fini(void);

#endif /* PND_CAPTURE_H */
