/*
 * log.h — one line per event on standard error: time, level, request id, message.
 * Secrets and personal data are never passed here.
 */
#ifndef LZ_BASE_LOG_H
#define LZ_BASE_LOG_H

typedef enum { LZ_LOG_DEBUG, LZ_LOG_INFO, LZ_LOG_WARN, LZ_LOG_ERROR } lz_log_level;

/* Set once at start-up, before threads, from the configuration. */
void lz_log_set_level(lz_log_level level);
void lz_log(lz_log_level level, const char *request_id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
