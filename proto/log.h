/* log.h - leveled logging to stderr, one line per event. A disabled level
 * costs one comparison. */
#ifndef VOLUMED_LOG_H
#define VOLUMED_LOG_H

typedef enum vd_log_level {
	VD_LOG_ERROR,
	VD_LOG_WARN,
	VD_LOG_INFO,
	VD_LOG_DEBUG
} vd_log_level;

extern vd_log_level vd_log_threshold;

/* Parses "error", "warn", "info", "debug"; returns -1 when unknown. */
int vd_log_parse_level(const char *s);

void vd_log_write(vd_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define vd_log(level, ...)                                                     \
	do {                                                                   \
		if ((level) <= vd_log_threshold)                               \
			vd_log_write((level), __VA_ARGS__);                    \
	} while (0)

#endif
