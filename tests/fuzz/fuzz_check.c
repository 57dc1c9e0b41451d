/* The budget evaluator: any budget file checked, as `escprof check` does, against stored
 * analyses of real profiles, in each of check's formats (text, json, JUnit, GitHub,
 * SARIF). fuzz_budget covers the parser alone; here the parsed rules are evaluated —
 * globs against package, function and site names, shares of the total, growth against a
 * baseline scaled by duration, new escapes between builds — and their results written.
 *
 * The input is the budget file. The store holds the budget sample's before and after
 * pair built with Go 1.22 and 1.26 (profiles and builds named b22, a22, b26, a26); the
 * first byte of the input chooses the profile checked (its low two bits) and the
 * baseline (the next two), so each seed picks a pair and a mutation can change it. */
#include "tests/fuzz/command.h"

static const char *const names[4] = {"b22", "a22", "b26", "a26"};

static char db[512], budget[512];

static void setup(void)
{
	static const char *const files[4] = {"go1.22/before", "go1.22/after", "go1.26/before",
					     "go1.26/after"};
	struct fuzz_out o = {0};
	size_t i;

	fuzz_path(db, sizeof(db), "check.db");
	fuzz_path(budget, sizeof(budget), "fuzz.budget");
	for (i = 0; i < 4; i++) {
		char rel[128], p[512], l[512];

		snprintf(rel, sizeof(rel), "sample-profiles/budget/out/%s.pb.gz", files[i]);
		fuzz_src(p, sizeof(p), rel);
		snprintf(rel, sizeof(rel), "sample-profiles/budget/out/%s.mm.txt", files[i]);
		fuzz_src(l, sizeof(l), rel);
		if (fuzz_run(&o, cmd_analyze, "analyze", "-q", "--db", db, "--name", names[i], p, l,
			     NULL) != EXIT_OK)
			fuzz_fail(&o, "a sample does not load");
	}
	fuzz_out_release(&o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const formats[] = {"text", "json", "junit", "github", "sarif"};
	struct fuzz_out o = {0};
	const char *profile, *baseline;
	size_t i;

	if (!db[0])
		setup();
	fuzz_write(budget, data, size);
	profile = names[size ? data[0] & 3 : 3];
	baseline = names[size ? (data[0] >> 2) & 3 : 2];
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		fuzz_run(&o, cmd_check, "check", "-q", "--db", db, "--budget", budget, "--profile", profile,
			 "--baseline", baseline, "--format", formats[i], NULL);
		if (i == 1 || i == 4)
			fuzz_check_json(&o);
		else if (i == 2)
			fuzz_check_markup(&o, 0);
		else if (i == 3)
			fuzz_check_github(&o);
		else
			fuzz_check_text(&o);
	}
	fuzz_out_release(&o);
	return 0;
}
