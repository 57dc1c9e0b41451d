/* dynlib.c — dlopen at first use, each library's functions found all at once. */
#include "dynlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void load(struct dynlib *l)
{
	void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	if (!h) {
		snprintf(l->why, sizeof(l->why), "%s", dlerror());
		return;
	}
	for (i = 0; i < l->n; i++)
		if (!(l->fns[i] = dlsym(h, l->names[i]))) {
			snprintf(l->why, sizeof(l->why), "it has no %s", l->names[i]);
			return;	/* (left open: a library is never unloaded) */
		}
	__atomic_store_n(&l->ok, 1, __ATOMIC_RELEASE);
}

int dynlib_ready(struct dynlib *l)
{
	int ok;

	if (__atomic_load_n(&l->ok, __ATOMIC_ACQUIRE))
		return 1;
	pthread_mutex_lock(&lock);
	if (!l->tried) {
		l->tried = 1;
		load(l);
	}
	ok = l->ok;
	pthread_mutex_unlock(&lock);
	return ok;
}

enum esc_status dynlib_load(struct dynlib *l, struct err *e)
{
	if (dynlib_ready(l))
		return ESC_OK;
	return err_set(e, ESC_EINPUT, "%s needs %s, which cannot be loaded (%s): apt-get install %s",
		       l->what, l->soname, l->why, l->package);
}
