/* test-world.h: the scaffolding the component tests share: a world built from a scenario written
 * inline (to a temporary folder, as the presim binary would read it from a file), running its
 * engine, recording the protocol events of the trace bus and capturing its packets to pcapng.
 *
 * Every function asserts (g_assert) on failure: these are test helpers, not product code. A
 * TestWorld lives inside the test's own state (the caller owns the memory, libuv style) and must not
 * move while it records events or packets: the trace bus keeps a pointer to it.
 */
#ifndef PRESIM_TESTS_TEST_WORLD_H
#define PRESIM_TESTS_TEST_WORLD_H

#include "links/pcapng-writer.h"
#include "nodes/node-kind.h"
#include "scenarios/scenario-build.h"
#include <stdio.h>

/* One protocol event as recorded: every attribute value as text (integers in decimal, booleans
 * "true"/"false"). */
typedef struct {
    char *node, *name;
    GHashTable *attrs; /* key -> value */
} TestEvent;

typedef struct {
    SimObserver obs; /* first: the trace hands this pointer back */
    char *dir, *path; /* the temporary folder and the scenario file in it */
    Scenario *sc;
    ScenarioWorld *sw;
    SimWorld *w; /* sw->world */
    GPtrArray *events; /* TestEvent*; NULL until test_world_record_events() */
    char *pcap_path;   /* NULL until test_world_capture() */
    FILE *pcap_file;
    PcapngWriter *pcap;
} TestWorld;

/* Writes TEXT to a new temporary folder "NAME-XXXXXX" as NAME.ini, loads it with OVERRIDES
 * ("section.key=value", NULL-terminated; may be NULL) and builds its world (default back end). */
void test_world_init(TestWorld *tw, const char *name, const char *text, const char *const *overrides);
/* Stops recording and capturing (finishing the pcapng file), frees the world and the scenario and
 * removes the temporary folder. Free the test's own nodes on the world first. */
void test_world_clear(TestWorld *tw);

/* Runs the engine DT beyond now / until the absolute time T. */
void test_world_run_for(TestWorld *tw, SimTime dt);
void test_world_run_until(TestWorld *tw, SimTime t);

/* Node NAME (asserted to exist); with KIND non-NULL its kind string is replaced by KIND, for a node
 * the test plays that another node's check looks for by kind. */
SimNode *test_world_node(TestWorld *tw, const char *name, const char *kind);

/* Records every protocol event from now on into tw->events. */
void test_world_record_events(TestWorld *tw);
/* How many recorded events NAME of NODE there are; with KEY non-NULL only those whose attribute KEY
 * is VALUE. */
guint test_world_event_count(const TestWorld *tw, const char *node, const char *name, const char *key,
                             const char *value);
/* Attribute KEY of the last recorded event NAME of NODE (NULL if no such event or attribute). */
const char *test_world_event_last(const TestWorld *tw, const char *node, const char *name, const char *key);

/* Captures every packet from now on to tw->pcap_path (trace.pcapng in the temporary folder). */
void test_world_capture(TestWorld *tw);
/* Puts every block on disk, for a reader such as tshark; the capture stays open. */
void test_world_capture_flush(TestWorld *tw);

/* The counter PATH (e.g. "nodes/ap/requests") of NODE's report by KIND (asserted to exist). */
guint64 test_node_report_u(const SimNodeKind *kind, SimNode *node, const char *path);

#endif
