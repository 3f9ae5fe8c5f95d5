/* log.h - the gateway's leveled log on stderr: one line per event, the
 * access log at level info. A disabled level costs one comparison. */
#ifndef VOLUMED_GW_LOG_H
#define VOLUMED_GW_LOG_H

typedef enum gw_log_level { GW_LOG_ERROR, GW_LOG_WARN, GW_LOG_INFO, GW_LOG_DEBUG } gw_log_level;

extern gw_log_level gw_log_threshold;

/* Parses "error", "warn", "info", "debug"; returns -1 when unknown. */
int gw_log_parse_level(const char *s);

void gw_log_write(gw_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define gw_log(level, ...)                                                                                   \
	do {                                                                                                 \
		if ((level) <= gw_log_threshold)                                                             \
			gw_log_write((level), __VA_ARGS__);                                                  \
	} while (0)

#endif
