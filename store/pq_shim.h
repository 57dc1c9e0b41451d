/* pq_shim.h — libpq, opened when a store on a server is first opened (pq_shim.c). */
#ifndef ESC_PQ_SHIM_H
#define ESC_PQ_SHIM_H

#include "common/err.h"

/* Loads libpq; ESC_EINPUT, saying what to install, when it cannot be. */
enum esc_status pq_shim_load(struct err *e);

#endif
