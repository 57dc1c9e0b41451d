/* progress.c — one line of progress on a terminal's standard error for the commands that
 * can take a while (load, analyze, report): "escprof analyze: joining ... (2.1s)", with
 * the samples stored so far when a load says them. Nothing is shown before the command
 * has run for a second ($ESCPROF_PROGRESS_DELAY_MS changes that, for the tests), the line
 * is redrawn at most ten times a second, by a thread while a phase gives no news and by
 * the command when it does, and it is erased before anything else is written. Only where
 * cli_progress_ok says: never into a pipe or a file, never under -q. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "common/buf.h"
#include "common/num.h"
#include "profile/profile.h"

#define TICK_NS 100000000L	/* redrawn at most every 100 ms */

struct cli_progress {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stop;
	const char *cmd;
	char phase[512];	/* as out_text shows it: no control character */
	size_t done, total;	/* total 0: no count */
	int64_t start, last, delay;	/* ns, CLOCK_MONOTONIC; last 0: never drawn */
	size_t shown;		/* columns of the line on the terminal */
	size_t width;		/* the terminal's, less one */
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void put(const char *s, size_t n)
{
	ssize_t w;

	while (n && ((w = write(STDERR_FILENO, s, n)) > 0 || (w < 0 && errno == EINTR)))
		if (w > 0) {
			s += w;
			n -= (size_t)w;
		}
}

/* "\r", the line cut to the terminal's width (by characters: the text is UTF-8), and
 * blanks over what is left of the one before; no escape sequence. Called with the lock
 * held. */
static void draw(struct cli_progress *p, int64_t now)
{
	struct buf b;
	size_t cols = 0, i, keep = 0, was = p->shown;

	buf_init(&b);
	buf_printf(&b, "escprof %s: %s", p->cmd, p->phase);
	if (p->total)
		buf_printf(&b, " %zu/%zu (%.0f%%)", p->done, p->total,
			   num_pct((int64_t)p->done, (int64_t)p->total));
	buf_printf(&b, " (%.1fs)", (double)(now - p->start) / 1e9);
	for (i = 0; i < b.len; i++)
		if (((unsigned char)b.data[i] & 0xc0) != 0x80) {
			if (cols == p->width)
				break;
			cols++;
			keep = i + 1;
		} else {
			keep = i + 1;
		}
	put("\r", 1);
	put(b.data, keep);
	for (i = cols; i < was; i++)
		put(" ", 1);
	p->shown = cols;
	p->last = now;
	buf_release(&b);
}

/* Draws when the delay is over and the last drawing is a tick old (the first at once). */
static void maybe_draw(struct cli_progress *p)
{
	int64_t now = now_ns();

	if (now - p->start >= p->delay && (!p->last || now - p->last >= TICK_NS))
		draw(p, now);
}

static void *run(void *arg)
{
	struct cli_progress *p = arg;
	struct timespec until;

	pthread_mutex_lock(&p->lock);
	while (!p->stop) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += TICK_NS;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->wake, &p->lock, &until);
		if (!p->stop)
			maybe_draw(p);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct cli_progress *cli_progress_start(const struct cli *c)
{
	struct cli_progress *p;
	const char *d = getenv("ESCPROF_PROGRESS_DELAY_MS");
	struct winsize ws;
	int64_t ms = 1000;

	if (!cli_progress_ok(c) || !(p = calloc(1, sizeof(*p))))
		return NULL;
	if (d && num_parse_i64(d, 0, INT64_MAX / 1000000, &ms))
		ms = 1000;
	p->cmd = c->cmd;
	p->delay = ms * 1000000;
	p->start = now_ns();
	p->width = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 ? ws.ws_col - 1u : 79;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	if (pthread_create(&p->thread, NULL, run, p)) {
		pthread_cond_destroy(&p->wake);
		pthread_mutex_destroy(&p->lock);
		free(p);
		return NULL;
	}
	return p;
}

void cli_progress_phase(struct cli_progress *p, const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	if (!p)
		return;
	buf_init(&b);
	va_start(ap, fmt);
	out_text_vformat(&b, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&p->lock);
	snprintf(p->phase, sizeof(p->phase), "%s", b.data ? b.data : "");
	p->done = p->total = 0;
	maybe_draw(p);
	pthread_mutex_unlock(&p->lock);
	buf_release(&b);
}

void cli_progress_count(struct cli_progress *p, size_t done, size_t total)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->done = done;
	p->total = total;
	maybe_draw(p);
	pthread_mutex_unlock(&p->lock);
}

void cli_progress_stop(struct cli_progress *p)
{
	size_t i;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	if (p->last) {
		put("\r", 1);
		for (i = 0; i < p->shown; i++)
			put(" ", 1);
		put("\r", 1);
	}
	pthread_cond_destroy(&p->wake);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

void cli_progress_profile(struct cli_progress *p, const char *verb, const char *source,
			  const struct profile_limits *lim)
{
	char *shown;

	if (!p)
		return;
	/* a URL as it is stored: never its user name or password */
	shown = profile_source_name(source, lim);
	cli_progress_phase(p, "%s %s", verb, shown ? shown : "the profile");
	free(shown);
}

void cli_progress_samples(void *p, size_t done, size_t total)
{
	cli_progress_count(p, done, total);
}
