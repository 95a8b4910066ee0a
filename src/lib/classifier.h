/* classifier.h - priority classifier for OpenFlow tables: a set of rules
 * (key, mask, priority, user pointer); lookup returns the highest-priority
 * rule matching a flow, and can report which bits of the flow it consulted.
 *
 * Algorithm: tuple space search.  Rules with the same mask share a subtable
 * (a hash table keyed by the masked key); within a subtable, the rules with
 * the same masked key form a list in decreasing priority.  Subtables are kept
 * in decreasing order of the highest priority they hold, and a lookup stops
 * as soon as the next subtable cannot beat the best match found so far.
 * Insert and remove are O(1) on average; the subtable order is republished
 * only when a subtable's maximum priority changes (or a subtable is created
 * or destroyed), and removing the last rule of a subtable's top priority
 * rescans that subtable.
 *
 * Ties: at most one rule per (mask, masked key, priority) exists (insert
 * refuses a duplicate, classifier_replace swaps it).  When rules of equal
 * priority in different subtables overlap, which of them a lookup returns is
 * unspecified (as in OpenFlow) but is the same for every flow until the
 * classifier changes, and the wildcards (below) account for the choice.
 *
 * Threads: liburcu memb flavour (<urcu.h>).  classifier_lookup() is
 * lock-free and may run on any number of threads concurrently with one
 * writer; each reader thread must be registered (rcu_register_thread()) and
 * call it between rcu_read_lock() and rcu_read_unlock(); the returned rule
 * stays valid until rcu_read_unlock().  Every other function is a writer or a
 * writer-side read: the caller serializes them (e.g. with the bridge mutex),
 * and the writer thread must be registered too (internal arrays are freed
 * with call_rcu()).  After classifier_remove()/classifier_replace() the
 * caller owns the removed rule but must let a grace period pass
 * (synchronize_rcu() or call_rcu()) before freeing or reusing it.
 *
 * Wildcards: when 'wc' is not NULL, classifier_lookup() ORs into it the mask
 * of every subtable it probed (hit or miss).  Any flow that agrees with the
 * looked-up flow on all bits of the resulting 'wc' gets the same result, so a
 * megaflow (flow & wc, wc) may cache that result. */
#ifndef PB_CLASSIFIER_H
#define PB_CLASSIFIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/flow.h"
#include "lib/tuple-space.h"

struct cls_subtable;
struct cls_subtables;

/* A rule.  The caller allocates it (standalone or embedded in its own
 * struct), fills it with cls_rule_init() and owns its memory; the classifier
 * only links it.  'key', 'mask', 'priority' and 'data' must not change while
 * the rule is in a classifier. */
struct cls_rule {
	struct flow key; /* masked: key & mask == key */
	struct flow mask;
	int32_t priority; /* higher wins */
	void *data;       /* the caller's pointer */

	/* Private to the classifier. */
	struct cls_rule *next; /* same subtable and masked key, lower priority */
	struct cls_subtable *subtable;
	uint32_t hash; /* of 'key' under the subtable's mask */
};

/* Sets up 'rule' to match 'key' under 'mask' (the key is masked here). */
void cls_rule_init(struct cls_rule *rule, const struct flow *key, const struct flow *mask,
                   int32_t priority, void *data);
/* True if 'rule' matches 'flow'. */
bool cls_rule_matches(const struct cls_rule *rule, const struct flow *flow);

struct classifier {
	struct cls_subtables *subtables; /* RCU-published lookup order */
	struct ts_table by_mask;         /* writer's index of subtables by mask */
	size_t n_rules;
};

void classifier_init(struct classifier *cls);
/* Frees the classifier's internal memory at once (not the rules, which the
 * caller still owns).  No reader may still be using it.  NULL is fine. */
void classifier_destroy(struct classifier *cls);

/* Adds 'rule'.  Returns 0, or -EEXIST (and changes nothing) if a rule with
 * the same mask, key and priority is present. */
int classifier_insert(struct classifier *cls, struct cls_rule *rule);
/* Adds 'rule', replacing the rule with the same mask, key and priority if
 * there is one (atomically for readers).  Returns the replaced rule (the
 * caller frees it after a grace period) or NULL. */
struct cls_rule *classifier_replace(struct classifier *cls, struct cls_rule *rule);
/* Removes 'rule', which must be in 'cls'. */
void classifier_remove(struct classifier *cls, struct cls_rule *rule);

/* Reader (under rcu_read_lock()): the highest-priority rule matching 'flow',
 * or NULL.  'wc' (may be NULL) gets the consulted mask bits ORed in. */
const struct cls_rule *classifier_lookup(const struct classifier *cls, const struct flow *flow,
                                         struct flow_wc *wc);

/* The rule with exactly this mask, (masked) key and priority, or NULL. */
struct cls_rule *classifier_find_exactly(const struct classifier *cls, const struct flow *key,
                                         const struct flow *mask, int32_t priority);

size_t classifier_count(const struct classifier *cls);
bool classifier_is_empty(const struct classifier *cls);

/* True if 'rule' is covered by the match (key, mask): its mask has every bit
 * of 'mask' and its key agrees with 'key' on them (the rule is at least as
 * specific).  This is OpenFlow's non-strict modify/delete selection. */
bool cls_rule_is_covered(const struct cls_rule *rule, const struct flow *key,
                         const struct flow *mask);

/* Collects the rules covered by (key, mask), or every rule if 'key' and
 * 'mask' are NULL, in decreasing priority order.  '*rules' is malloc'd (the
 * caller frees it, also when '*n' is 0).  The caller may then remove or
 * replace any of them.  Returns '*n'. */
size_t classifier_collect(const struct classifier *cls, const struct flow *key,
                          const struct flow *mask, struct cls_rule ***rules, size_t *n);

/* Calls 'fn' for every rule (in no particular order); 'fn' must not modify
 * the classifier.  Returns the number of rules visited. */
size_t classifier_foreach(const struct classifier *cls, void (*fn)(struct cls_rule *, void *),
                          void *aux);

#endif
