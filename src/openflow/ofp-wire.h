/* ofp-wire.h - the OpenFlow 1.3 (wire version 0x04) message layouts and
 * constants, written from the OpenFlow Switch Specification 1.3.5.
 *
 * Every multi-byte field is big-endian on the wire; the structs here are
 * laid out exactly as the specification gives them (natural alignment, the
 * spec's explicit padding), but a received buffer need not be aligned, so
 * code never casts a message pointer to these types: it memcpy()s into a
 * local struct (or builds one and ofpbuf_put()s it) and converts fields
 * with be16toh()/htobe32()...
 *
 * Messages that embed a 'struct ofp_match' (flow_mod, flow_stats_request,
 * flow_stats, packet_in, flow_removed) are declared here up to the start of
 * the match: the specification's sizeof includes the match's 8-byte
 * header-plus-padding, so OFP_<X>_SPEC_LEN states that figure and the
 * asserts check both.  The match itself (type, length, OXM TLVs, padding
 * to 8) is coded by ofp-oxm.h; actions and instructions by
 * ofp-wire-actions.h.
 *
 * Pure declarations: no functions, no state. */
#ifndef PB_OFP_WIRE_H
#define PB_OFP_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define OFP13_VERSION 0x04
#define OFP_TCP_PORT  6653

/* Buffers, tables, and the controller max_len. */
#define OFP_NO_BUFFER             0xffffffffu
#define OFPCML_MAX                0xffe5u /* largest max_len that asks for a truncated packet */
#define OFPCML_NO_BUFFER          0xffffu /* send the whole packet */
#define OFPTT_MAX                 0xfe
#define OFPTT_ALL                 0xff
#define OFPQ_ALL                  0xffffffffu
#define OFP_MAX_PORT_NAME_LEN     16
#define OFP_MAX_TABLE_NAME_LEN    32
#define OFP_DESC_STR_LEN          256
#define OFP_SERIAL_NUM_LEN        32
#define OFP_DEFAULT_MISS_SEND_LEN 128

/* A message never exceeds the 16-bit length of its header. */
#define OFP_MAX_MSG_LEN 65535u

enum ofp_type {
	/* Immutable messages. */
	OFPT_HELLO = 0,
	OFPT_ERROR = 1,
	OFPT_ECHO_REQUEST = 2,
	OFPT_ECHO_REPLY = 3,
	OFPT_EXPERIMENTER = 4,
	/* Switch configuration. */
	OFPT_FEATURES_REQUEST = 5,
	OFPT_FEATURES_REPLY = 6,
	OFPT_GET_CONFIG_REQUEST = 7,
	OFPT_GET_CONFIG_REPLY = 8,
	OFPT_SET_CONFIG = 9,
	/* Asynchronous. */
	OFPT_PACKET_IN = 10,
	OFPT_FLOW_REMOVED = 11,
	OFPT_PORT_STATUS = 12,
	/* Controller command. */
	OFPT_PACKET_OUT = 13,
	OFPT_FLOW_MOD = 14,
	OFPT_GROUP_MOD = 15,
	OFPT_PORT_MOD = 16,
	OFPT_TABLE_MOD = 17,
	/* Multipart. */
	OFPT_MULTIPART_REQUEST = 18,
	OFPT_MULTIPART_REPLY = 19,
	/* Barrier. */
	OFPT_BARRIER_REQUEST = 20,
	OFPT_BARRIER_REPLY = 21,
	/* Queue configuration. */
	OFPT_QUEUE_GET_CONFIG_REQUEST = 22,
	OFPT_QUEUE_GET_CONFIG_REPLY = 23,
	/* Controller role. */
	OFPT_ROLE_REQUEST = 24,
	OFPT_ROLE_REPLY = 25,
	/* Asynchronous message configuration. */
	OFPT_GET_ASYNC_REQUEST = 26,
	OFPT_GET_ASYNC_REPLY = 27,
	OFPT_SET_ASYNC = 28,
	/* Meters. */
	OFPT_METER_MOD = 29,
};
#define OFPT_N_TYPES 30

struct ofp_header {
	uint8_t version;
	uint8_t type;    /* enum ofp_type */
	uint16_t length; /* including this header */
	uint32_t xid;
};
_Static_assert(sizeof(struct ofp_header) == 8, "ofp_header");

/* ---- HELLO ---- */

enum ofp_hello_elem_type { OFPHET_VERSIONBITMAP = 1 };

/* Elements follow the header, each padded to 8 bytes (length excludes the
 * padding). */
struct ofp_hello_elem_header {
	uint16_t type;
	uint16_t length;
};
_Static_assert(sizeof(struct ofp_hello_elem_header) == 4, "ofp_hello_elem_header");

/* OFPHET_VERSIONBITMAP: the header followed by uint32_t bitmaps; bit N of
 * bitmap[N / 32] set = version N supported. */

/* ---- ERROR ---- */

struct ofp_error_msg {
	struct ofp_header header;
	uint16_t type; /* OFPET_* (ofp-errors.h) */
	uint16_t code;
	/* uint8_t data[]: at least 64 bytes of the offending request */
};
_Static_assert(sizeof(struct ofp_error_msg) == 12, "ofp_error_msg");
#define OFP_ERROR_DATA_LEN 64

struct ofp_error_experimenter_msg {
	struct ofp_header header;
	uint16_t type; /* OFPET_EXPERIMENTER */
	uint16_t exp_type;
	uint32_t experimenter;
};
_Static_assert(sizeof(struct ofp_error_experimenter_msg) == 16, "ofp_error_experimenter_msg");

/* ---- EXPERIMENTER ---- */

struct ofp_experimenter_header {
	struct ofp_header header;
	uint32_t experimenter;
	uint32_t exp_type;
};
_Static_assert(sizeof(struct ofp_experimenter_header) == 16, "ofp_experimenter_header");

/* ---- FEATURES ---- */

enum ofp_capabilities {
	OFPC_FLOW_STATS = 1 << 0,
	OFPC_TABLE_STATS = 1 << 1,
	OFPC_PORT_STATS = 1 << 2,
	OFPC_GROUP_STATS = 1 << 3,
	OFPC_IP_REASM = 1 << 5,
	OFPC_QUEUE_STATS = 1 << 6,
	OFPC_PORT_BLOCKED = 1 << 8,
};

struct ofp_switch_features {
	struct ofp_header header;
	uint64_t datapath_id;
	uint32_t n_buffers;
	uint8_t n_tables;
	uint8_t auxiliary_id;
	uint8_t pad[2];
	uint32_t capabilities; /* OFPC_* */
	uint32_t reserved;
};
_Static_assert(sizeof(struct ofp_switch_features) == 32, "ofp_switch_features");

/* ---- SWITCH CONFIG ---- */

enum ofp_config_flags {
	OFPC_FRAG_NORMAL = 0,
	OFPC_FRAG_DROP = 1,
	OFPC_FRAG_REASM = 2,
	OFPC_FRAG_MASK = 3,
};

struct ofp_switch_config {
	struct ofp_header header;
	uint16_t flags; /* OFPC_FRAG_* */
	uint16_t miss_send_len;
};
_Static_assert(sizeof(struct ofp_switch_config) == 12, "ofp_switch_config");

/* ---- PORTS ---- */

/* OFPPC_* (config) and OFPPS_* (state) bits are in ofproto-ofp.h; these
 * are the remaining ones of the specification. */
#define OFPPC_ALL_13 (0x01u | 0x04u | 0x20u | 0x40u)

enum ofp_port_features {
	OFPPF_10MB_HD = 1 << 0,
	OFPPF_10MB_FD = 1 << 1,
	OFPPF_100MB_HD = 1 << 2,
	OFPPF_100MB_FD = 1 << 3,
	OFPPF_1GB_HD = 1 << 4,
	OFPPF_1GB_FD = 1 << 5,
	OFPPF_10GB_FD = 1 << 6,
	OFPPF_40GB_FD = 1 << 7,
	OFPPF_100GB_FD = 1 << 8,
	OFPPF_1TB_FD = 1 << 9,
	OFPPF_OTHER = 1 << 10,
	OFPPF_COPPER = 1 << 11,
	OFPPF_FIBER = 1 << 12,
	OFPPF_AUTONEG = 1 << 13,
	OFPPF_PAUSE = 1 << 14,
	OFPPF_PAUSE_ASYM = 1 << 15,
};

struct ofp_port {
	uint32_t port_no;
	uint8_t pad[4];
	uint8_t hw_addr[6];
	uint8_t pad2[2];
	char name[OFP_MAX_PORT_NAME_LEN]; /* NUL-terminated */
	uint32_t config;                  /* OFPPC_* */
	uint32_t state;                   /* OFPPS_* */
	uint32_t curr;                    /* OFPPF_* */
	uint32_t advertised;
	uint32_t supported;
	uint32_t peer;
	uint32_t curr_speed; /* kbps */
	uint32_t max_speed;  /* kbps */
};
_Static_assert(sizeof(struct ofp_port) == 64, "ofp_port");

enum ofp_port_reason {
	OFPPR_ADD = 0,
	OFPPR_DELETE = 1,
	OFPPR_MODIFY = 2,
};

struct ofp_port_status {
	struct ofp_header header;
	uint8_t reason; /* OFPPR_* */
	uint8_t pad[7];
	struct ofp_port desc;
};
_Static_assert(sizeof(struct ofp_port_status) == 80, "ofp_port_status");

struct ofp_port_mod {
	struct ofp_header header;
	uint32_t port_no;
	uint8_t pad[4];
	uint8_t hw_addr[6];
	uint8_t pad2[2];
	uint32_t config;    /* OFPPC_* bits to set under 'mask' */
	uint32_t mask;      /* OFPPC_* bits to change */
	uint32_t advertise; /* OFPPF_*; 0 = leave unchanged */
	uint8_t pad3[4];
};
_Static_assert(sizeof(struct ofp_port_mod) == 40, "ofp_port_mod");

/* ---- MATCH ----
 * struct ofp_match (OFPMT_OXM, OFP_MATCH_HEADER_LEN, OFP_MATCH_MIN_LEN) is
 * declared and coded by ofp-oxm.h. */

/* ---- FLOW_MOD ---- */

enum ofp_flow_mod_command {
	OFPFC_ADD = 0,
	OFPFC_MODIFY = 1,
	OFPFC_MODIFY_STRICT = 2,
	OFPFC_DELETE = 3,
	OFPFC_DELETE_STRICT = 4,
};
/* OFPFF_* flags are in flow-text.h. */
#define OFPFF_ALL_13 0x001fu

struct ofp_flow_mod {
	struct ofp_header header;
	uint64_t cookie;
	uint64_t cookie_mask;
	uint8_t table_id;
	uint8_t command; /* OFPFC_* */
	uint16_t idle_timeout;
	uint16_t hard_timeout;
	uint16_t priority;
	uint32_t buffer_id;
	uint32_t out_port;
	uint32_t out_group;
	uint16_t flags; /* OFPFF_* */
	uint8_t pad[2];
	/* struct ofp_match match; then instructions */
};
_Static_assert(sizeof(struct ofp_flow_mod) == 48, "ofp_flow_mod up to the match");
#define OFP_FLOW_MOD_SPEC_LEN 56

/* ---- GROUP_MOD ---- */

/* OFPGC_* and OFPGT_* are in ofp-group.h. */
struct ofp_group_mod_wire {
	struct ofp_header header;
	uint16_t command; /* OFPGC_* */
	uint8_t type;     /* OFPGT_* */
	uint8_t pad;
	uint32_t group_id;
	/* struct ofp_bucket_wire buckets[] */
};
_Static_assert(sizeof(struct ofp_group_mod_wire) == 16, "ofp_group_mod");

struct ofp_bucket_wire {
	uint16_t len; /* including the actions; multiple of 8 */
	uint16_t weight;
	uint32_t watch_port;
	uint32_t watch_group;
	uint8_t pad[4];
	/* struct ofp_action_header actions[] */
};
_Static_assert(sizeof(struct ofp_bucket_wire) == 16, "ofp_bucket");

/* ---- TABLE_MOD ---- */

#define OFPTC_DEPRECATED_MASK 3u

struct ofp_table_mod {
	struct ofp_header header;
	uint8_t table_id; /* or OFPTT_ALL */
	uint8_t pad[3];
	uint32_t config;
};
_Static_assert(sizeof(struct ofp_table_mod) == 16, "ofp_table_mod");

/* ---- METER_MOD ---- */

/* OFPMC_*, OFPMF_*, OFPMBT_* and OFPM_* are in ofp-meter.h. */
#define OFPMBT_EXPERIMENTER 0xffff

struct ofp_meter_mod_wire {
	struct ofp_header header;
	uint16_t command; /* OFPMC_* */
	uint16_t flags;   /* OFPMF_* */
	uint32_t meter_id;
	/* struct ofp_meter_band_header bands[] */
};
_Static_assert(sizeof(struct ofp_meter_mod_wire) == 16, "ofp_meter_mod");

struct ofp_meter_band_header {
	uint16_t type; /* OFPMBT_* */
	uint16_t len;
	uint32_t rate;
	uint32_t burst_size;
};
_Static_assert(sizeof(struct ofp_meter_band_header) == 12, "ofp_meter_band_header");

struct ofp_meter_band_drop {
	struct ofp_meter_band_header hdr; /* OFPMBT_DROP, len 16 */
	uint8_t pad[4];
};
_Static_assert(sizeof(struct ofp_meter_band_drop) == 16, "ofp_meter_band_drop");

struct ofp_meter_band_dscp_remark {
	struct ofp_meter_band_header hdr; /* OFPMBT_DSCP_REMARK, len 16 */
	uint8_t prec_level;
	uint8_t pad[3];
};
_Static_assert(sizeof(struct ofp_meter_band_dscp_remark) == 16, "ofp_meter_band_dscp_remark");

struct ofp_meter_band_experimenter {
	struct ofp_meter_band_header hdr; /* OFPMBT_EXPERIMENTER */
	uint32_t experimenter;
};
_Static_assert(sizeof(struct ofp_meter_band_experimenter) == 16, "ofp_meter_band_experimenter");

/* ---- MULTIPART ---- */

enum ofp_multipart_type {
	OFPMP_DESC = 0,
	OFPMP_FLOW = 1,
	OFPMP_AGGREGATE = 2,
	OFPMP_TABLE = 3,
	OFPMP_PORT_STATS = 4,
	OFPMP_QUEUE = 5,
	OFPMP_GROUP = 6,
	OFPMP_GROUP_DESC = 7,
	OFPMP_GROUP_FEATURES = 8,
	OFPMP_METER = 9,
	OFPMP_METER_CONFIG = 10,
	OFPMP_METER_FEATURES = 11,
	OFPMP_TABLE_FEATURES = 12,
	OFPMP_PORT_DESC = 13,
	OFPMP_EXPERIMENTER = 0xffff,
};
#define OFPMP_N_TYPES 14

#define OFPMPF_REQ_MORE   0x0001
#define OFPMPF_REPLY_MORE 0x0001

struct ofp_multipart_request {
	struct ofp_header header;
	uint16_t type;  /* OFPMP_* */
	uint16_t flags; /* OFPMPF_REQ_* */
	uint8_t pad[4];
	/* uint8_t body[] */
};
_Static_assert(sizeof(struct ofp_multipart_request) == 16, "ofp_multipart_request");

struct ofp_multipart_reply {
	struct ofp_header header;
	uint16_t type;  /* OFPMP_* */
	uint16_t flags; /* OFPMPF_REPLY_* */
	uint8_t pad[4];
	/* uint8_t body[] */
};
_Static_assert(sizeof(struct ofp_multipart_reply) == 16, "ofp_multipart_reply");

/* OFPMP_DESC reply body. */
struct ofp_desc {
	char mfr_desc[OFP_DESC_STR_LEN];
	char hw_desc[OFP_DESC_STR_LEN];
	char sw_desc[OFP_DESC_STR_LEN];
	char serial_num[OFP_SERIAL_NUM_LEN];
	char dp_desc[OFP_DESC_STR_LEN];
};
_Static_assert(sizeof(struct ofp_desc) == 1056, "ofp_desc");

/* OFPMP_FLOW and OFPMP_AGGREGATE request body (same layout). */
struct ofp_flow_stats_request {
	uint8_t table_id; /* or OFPTT_ALL */
	uint8_t pad[3];
	uint32_t out_port;  /* OFPP_ANY = no filter */
	uint32_t out_group; /* OFPG_ANY = no filter */
	uint8_t pad2[4];
	uint64_t cookie;
	uint64_t cookie_mask;
	/* struct ofp_match match */
};
_Static_assert(sizeof(struct ofp_flow_stats_request) == 32, "ofp_flow_stats_request up to match");
#define OFP_FLOW_STATS_REQUEST_SPEC_LEN 40

/* OFPMP_FLOW reply entry. */
struct ofp_flow_stats {
	uint16_t length; /* of this entry, with match and instructions */
	uint8_t table_id;
	uint8_t pad;
	uint32_t duration_sec;
	uint32_t duration_nsec;
	uint16_t priority;
	uint16_t idle_timeout;
	uint16_t hard_timeout;
	uint16_t flags;
	uint8_t pad2[4];
	uint64_t cookie;
	uint64_t packet_count;
	uint64_t byte_count;
	/* struct ofp_match match; then instructions */
};
_Static_assert(sizeof(struct ofp_flow_stats) == 48, "ofp_flow_stats up to match");
#define OFP_FLOW_STATS_SPEC_LEN 56

/* OFPMP_AGGREGATE reply body. */
struct ofp_aggregate_stats_reply {
	uint64_t packet_count;
	uint64_t byte_count;
	uint32_t flow_count;
	uint8_t pad[4];
};
_Static_assert(sizeof(struct ofp_aggregate_stats_reply) == 24, "ofp_aggregate_stats_reply");

/* OFPMP_TABLE reply entry. */
struct ofp_table_stats {
	uint8_t table_id;
	uint8_t pad[3];
	uint32_t active_count;
	uint64_t lookup_count;
	uint64_t matched_count;
};
_Static_assert(sizeof(struct ofp_table_stats) == 24, "ofp_table_stats");

/* OFPMP_TABLE_FEATURES entry (request and reply). */
struct ofp_table_features {
	uint16_t length;
	uint8_t table_id;
	uint8_t pad[5];
	char name[OFP_MAX_TABLE_NAME_LEN];
	uint64_t metadata_match;
	uint64_t metadata_write;
	uint32_t config;
	uint32_t max_entries;
	/* struct ofp_table_feature_prop_header properties[] */
};
_Static_assert(sizeof(struct ofp_table_features) == 64, "ofp_table_features");

enum ofp_table_feature_prop_type {
	OFPTFPT_INSTRUCTIONS = 0,
	OFPTFPT_INSTRUCTIONS_MISS = 1,
	OFPTFPT_NEXT_TABLES = 2,
	OFPTFPT_NEXT_TABLES_MISS = 3,
	OFPTFPT_WRITE_ACTIONS = 4,
	OFPTFPT_WRITE_ACTIONS_MISS = 5,
	OFPTFPT_APPLY_ACTIONS = 6,
	OFPTFPT_APPLY_ACTIONS_MISS = 7,
	OFPTFPT_MATCH = 8,
	OFPTFPT_WILDCARDS = 10,
	OFPTFPT_WRITE_SETFIELD = 12,
	OFPTFPT_WRITE_SETFIELD_MISS = 13,
	OFPTFPT_APPLY_SETFIELD = 14,
	OFPTFPT_APPLY_SETFIELD_MISS = 15,
	OFPTFPT_EXPERIMENTER = 0xfffe,
	OFPTFPT_EXPERIMENTER_MISS = 0xffff,
};
#define OFPTFPT_N_STANDARD 16 /* 0..15 (9 and 11 unused) */

/* Each property is padded to 8 bytes; 'length' excludes the padding.  The
 * content is a list of 4-byte ids (instruction or action type + length 4,
 * or OXM headers) or, for NEXT_TABLES, one byte per table id. */
struct ofp_table_feature_prop_header {
	uint16_t type; /* OFPTFPT_* */
	uint16_t length;
};
_Static_assert(sizeof(struct ofp_table_feature_prop_header) == 4, "ofp_table_feature_prop");

/* OFPMP_PORT_STATS request body. */
struct ofp_port_stats_request {
	uint32_t port_no; /* or OFPP_ANY */
	uint8_t pad[4];
};
_Static_assert(sizeof(struct ofp_port_stats_request) == 8, "ofp_port_stats_request");

/* OFPMP_PORT_STATS reply entry. */
struct ofp_port_stats {
	uint32_t port_no;
	uint8_t pad[4];
	uint64_t rx_packets;
	uint64_t tx_packets;
	uint64_t rx_bytes;
	uint64_t tx_bytes;
	uint64_t rx_dropped;
	uint64_t tx_dropped;
	uint64_t rx_errors;
	uint64_t tx_errors;
	uint64_t rx_frame_err;
	uint64_t rx_over_err;
	uint64_t rx_crc_err;
	uint64_t collisions;
	uint32_t duration_sec;
	uint32_t duration_nsec;
};
_Static_assert(sizeof(struct ofp_port_stats) == 112, "ofp_port_stats");

/* OFPMP_QUEUE request body. */
struct ofp_queue_stats_request {
	uint32_t port_no;  /* or OFPP_ANY */
	uint32_t queue_id; /* or OFPQ_ALL */
};
_Static_assert(sizeof(struct ofp_queue_stats_request) == 8, "ofp_queue_stats_request");

/* OFPMP_QUEUE reply entry. */
struct ofp_queue_stats {
	uint32_t port_no;
	uint32_t queue_id;
	uint64_t tx_bytes;
	uint64_t tx_packets;
	uint64_t tx_errors;
	uint32_t duration_sec;
	uint32_t duration_nsec;
};
_Static_assert(sizeof(struct ofp_queue_stats) == 40, "ofp_queue_stats");

/* OFPMP_GROUP request body. */
struct ofp_group_stats_request {
	uint32_t group_id; /* or OFPG_ALL */
	uint8_t pad[4];
};
_Static_assert(sizeof(struct ofp_group_stats_request) == 8, "ofp_group_stats_request");

struct ofp_bucket_counter {
	uint64_t packet_count;
	uint64_t byte_count;
};
_Static_assert(sizeof(struct ofp_bucket_counter) == 16, "ofp_bucket_counter");

/* OFPMP_GROUP reply entry. */
struct ofp_group_stats_wire {
	uint16_t length; /* with the bucket counters */
	uint8_t pad[2];
	uint32_t group_id;
	uint32_t ref_count;
	uint8_t pad2[4];
	uint64_t packet_count;
	uint64_t byte_count;
	uint32_t duration_sec;
	uint32_t duration_nsec;
	/* struct ofp_bucket_counter bucket_stats[] */
};
_Static_assert(sizeof(struct ofp_group_stats_wire) == 40, "ofp_group_stats");

/* OFPMP_GROUP_DESC reply entry. */
struct ofp_group_desc {
	uint16_t length; /* with the buckets */
	uint8_t type;    /* OFPGT_* */
	uint8_t pad;
	uint32_t group_id;
	/* struct ofp_bucket_wire buckets[] */
};
_Static_assert(sizeof(struct ofp_group_desc) == 8, "ofp_group_desc");

enum ofp_group_capabilities {
	OFPGFC_SELECT_WEIGHT = 1 << 0,
	OFPGFC_SELECT_LIVENESS = 1 << 1,
	OFPGFC_CHAINING = 1 << 2,
	OFPGFC_CHAINING_CHECKS = 1 << 3,
};

/* OFPMP_GROUP_FEATURES reply body. */
struct ofp_group_features {
	uint32_t types;        /* bitmap of 1 << OFPGT_* */
	uint32_t capabilities; /* OFPGFC_* */
	uint32_t max_groups[4];
	uint32_t actions[4]; /* bitmaps of 1 << OFPAT_* */
};
_Static_assert(sizeof(struct ofp_group_features) == 40, "ofp_group_features");

/* OFPMP_METER and OFPMP_METER_CONFIG request body. */
struct ofp_meter_multipart_request {
	uint32_t meter_id; /* or OFPM_ALL */
	uint8_t pad[4];
};
_Static_assert(sizeof(struct ofp_meter_multipart_request) == 8, "ofp_meter_multipart_request");

struct ofp_meter_band_stats {
	uint64_t packet_band_count;
	uint64_t byte_band_count;
};
_Static_assert(sizeof(struct ofp_meter_band_stats) == 16, "ofp_meter_band_stats");

/* OFPMP_METER reply entry. */
struct ofp_meter_stats_wire {
	uint32_t meter_id;
	uint16_t len; /* with the band statistics */
	uint8_t pad[6];
	uint32_t flow_count;
	uint64_t packet_in_count;
	uint64_t byte_in_count;
	uint32_t duration_sec;
	uint32_t duration_nsec;
	/* struct ofp_meter_band_stats band_stats[] */
};
_Static_assert(sizeof(struct ofp_meter_stats_wire) == 40, "ofp_meter_stats");

/* OFPMP_METER_CONFIG reply entry. */
struct ofp_meter_config {
	uint16_t length; /* with the bands */
	uint16_t flags;  /* OFPMF_* */
	uint32_t meter_id;
	/* struct ofp_meter_band_header bands[] */
};
_Static_assert(sizeof(struct ofp_meter_config) == 8, "ofp_meter_config");

/* OFPMP_METER_FEATURES reply body. */
struct ofp_meter_features {
	uint32_t max_meter;
	uint32_t band_types;   /* bitmap of 1 << OFPMBT_* */
	uint32_t capabilities; /* OFPMF_* */
	uint8_t max_bands;
	uint8_t max_color;
	uint8_t pad[2];
};
_Static_assert(sizeof(struct ofp_meter_features) == 16, "ofp_meter_features");

/* OFPMP_EXPERIMENTER body header. */
struct ofp_experimenter_multipart_header {
	uint32_t experimenter;
	uint32_t exp_type;
};
_Static_assert(sizeof(struct ofp_experimenter_multipart_header) == 8, "ofp_exp_multipart");

/* ---- QUEUE_GET_CONFIG ---- */

struct ofp_queue_get_config_request {
	struct ofp_header header;
	uint32_t port; /* or OFPP_ANY */
	uint8_t pad[4];
};
_Static_assert(sizeof(struct ofp_queue_get_config_request) == 16, "queue_get_config_request");

struct ofp_queue_get_config_reply {
	struct ofp_header header;
	uint32_t port;
	uint8_t pad[4];
	/* struct ofp_packet_queue queues[] */
};
_Static_assert(sizeof(struct ofp_queue_get_config_reply) == 16, "queue_get_config_reply");

/* ---- PACKET_IN / PACKET_OUT / FLOW_REMOVED ---- */

enum ofp_packet_in_reason {
	OFPR_NO_MATCH = 0,
	OFPR_ACTION = 1,
	OFPR_INVALID_TTL = 2,
};

struct ofp_packet_in {
	struct ofp_header header;
	uint32_t buffer_id;
	uint16_t total_len;
	uint8_t reason; /* OFPR_* */
	uint8_t table_id;
	uint64_t cookie;
	/* struct ofp_match match; uint8_t pad[2]; uint8_t data[] */
};
_Static_assert(sizeof(struct ofp_packet_in) == 24, "ofp_packet_in up to match");
#define OFP_PACKET_IN_SPEC_LEN 32

struct ofp_packet_out {
	struct ofp_header header;
	uint32_t buffer_id; /* OFP_NO_BUFFER: the packet is in data */
	uint32_t in_port;
	uint16_t actions_len;
	uint8_t pad[6];
	/* struct ofp_action_header actions[]; uint8_t data[] */
};
_Static_assert(sizeof(struct ofp_packet_out) == 24, "ofp_packet_out");

enum ofp_flow_removed_reason {
	OFPRR_IDLE_TIMEOUT = 0,
	OFPRR_HARD_TIMEOUT = 1,
	OFPRR_DELETE = 2,
	OFPRR_GROUP_DELETE = 3,
};

struct ofp_flow_removed {
	struct ofp_header header;
	uint64_t cookie;
	uint16_t priority;
	uint8_t reason; /* OFPRR_* */
	uint8_t table_id;
	uint32_t duration_sec;
	uint32_t duration_nsec;
	uint16_t idle_timeout;
	uint16_t hard_timeout;
	uint64_t packet_count;
	uint64_t byte_count;
	/* struct ofp_match match */
};
_Static_assert(sizeof(struct ofp_flow_removed) == 48, "ofp_flow_removed up to match");
#define OFP_FLOW_REMOVED_SPEC_LEN 56

/* ---- ROLE ---- */

enum ofp_controller_role {
	OFPCR_ROLE_NOCHANGE = 0,
	OFPCR_ROLE_EQUAL = 1,
	OFPCR_ROLE_MASTER = 2,
	OFPCR_ROLE_SLAVE = 3,
};

struct ofp_role_request {
	struct ofp_header header;
	uint32_t role; /* OFPCR_ROLE_* */
	uint8_t pad[4];
	uint64_t generation_id;
};
_Static_assert(sizeof(struct ofp_role_request) == 24, "ofp_role_request");

/* ---- ASYNC CONFIG ---- */

/* [0]: master/equal role, [1]: slave role; bit N = reason N enabled. */
struct ofp_async_config {
	struct ofp_header header;
	uint32_t packet_in_mask[2];
	uint32_t port_status_mask[2];
	uint32_t flow_removed_mask[2];
};
_Static_assert(sizeof(struct ofp_async_config) == 32, "ofp_async_config");

#endif
