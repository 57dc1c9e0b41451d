/* reasons.c — the cause taxonomy: stable identifiers, a title, and the fix hint shown next
 * to every site. The identifiers are API (DESIGN.md): add, never rename. The order is the
 * precedence order of the design: size, implicit allocations, sinks, no diagnostic. */
#include <string.h>

#include "classify.h"

static const struct classify_cause causes[] = {
	{"too-large-for-stack", "object bigger than the stack limit",
	 "allocate it once and reuse it (a sync.Pool or a field of a long-lived struct); "
	 "shrink it, or split it; Go 1.24+ moves variables over 128 KiB to the heap"},
	{"non-constant-size", "make with a size known only at run time",
	 "use a constant size (or a fixed-size array) when an upper bound is known; "
	 "preallocate once and reslice"},
	{"interface-conversion", "value boxed into an interface",
	 "avoid passing non-pointer values as interface (any) arguments on hot paths; "
	 "use typed functions (strconv.AppendInt instead of fmt), or box once and reuse"},
	{"string-build", "string concatenation or string/[]byte conversion",
	 "build with strings.Builder or a reused []byte (append/strconv.Append*); "
	 "avoid converting between string and []byte in loops"},
	{"closure-capture", "variable captured by a closure, or a func literal escapes",
	 "pass the value as an argument instead of capturing it, capture by value (do not "
	 "reassign or take its address), or hoist the closure out of the loop"},
	{"pointer-returned", "address of a local flows to a result",
	 "return the value instead of a pointer, or let the caller pass in the destination "
	 "(func f(dst *T))"},
	{"channel-send", "pointer or pointerful value sent on a channel",
	 "send values instead of pointers, or recycle the sent objects through a pool"},
	{"map-store", "key or value stored into a map",
	 "store values rather than pointers in the map (map[K]V), or intern the keys"},
	{"slice-store", "stored as an element of a heap slice",
	 "use a slice of values ([]T instead of []*T) or preallocate the elements in one block"},
	{"global-store", "stored into a package variable or through a pointer to the heap",
	 "keep the value local, or allocate once at init and reuse it"},
	{"call-parameter", "passed to a callee whose parameter leaks, or to an unknown callee",
	 "make the callee not retain its argument, call a concrete type instead of an "
	 "interface method or func value, or pass a value"},
	{"goroutine", "captured or passed into a go statement",
	 "pass values to the goroutine, reuse worker goroutines, or send work over a channel"},
	{"append-growth", "a slice's backing array grew past its capacity",
	 "preallocate: make([]T, 0, n) with the expected length, or reuse the slice (s = s[:0])"},
	{"map-growth", "map buckets grew",
	 "size the map up front: make(map[K]V, n), or clear and reuse it"},
	{"channel-make", "make(chan T, n): a channel always lives on the heap",
	 "create the channel once and reuse it (or a pool of workers sharing it); buffered "
	 "channels cost their buffer: size it to what is really in flight"},
	{"reflection", "allocated inside reflect on the caller's behalf",
	 "avoid reflection on hot paths: generated or hand-written code, or cache the reflected values"},
	{"runtime-internal", "goroutine stacks, timers, GC metadata: not the program's own code",
	 "usually nothing to fix at the site; fewer goroutines or timers reduce it"},
	{"in-dependency", "inside a package with no compiler diagnostics loaded",
	 "load the -m -m output of that package too (-gcflags=all='-m -m' or pkg=...), or "
	 "look at how this code calls it"},
	{"unknown", "nothing matched",
	 "run escprof explain on the site; load a -m -m log of the same build if none is loaded"},
};

const struct classify_cause *classify_causes(size_t *n)
{
	*n = sizeof(causes) / sizeof(causes[0]);
	return causes;
}

const struct classify_cause *classify_cause_by_id(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(causes) / sizeof(causes[0]); i++)
		if (!strcmp(causes[i].id, id))
			return &causes[i];
	return NULL;
}
