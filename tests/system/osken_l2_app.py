# osken_l2_app.py - a small L2-learning OpenFlow 1.3 controller for os-ken (osken-manager),
# used by tests/system/test_osken.py.  It installs a table-miss flow to the controller,
# learns MAC -> port from PACKET_INs, installs (in_port, eth_src, eth_dst) -> output flows
# and sends the packet on with PACKET_OUT (flooding unknown destinations).
#
# Environment (read at start):
#   PBOSK_EVENTS  file to append one line per event to ("connected DPID", "role master",
#                 "error TYPE CODE", "flow IN SRC DST OUT", "packet_in IN SRC DST"); the test
#                 reads it to see what the controller did
#   PBOSK_ROLE    "" (equal, the default: learn), "master" (request the master role, then
#                 learn) or "slave" (request the slave role, then try one FLOW_MOD and
#                 record the error the switch answers with; no learning)
import os

from os_ken.base import app_manager
from os_ken.controller import ofp_event
from os_ken.controller.handler import CONFIG_DISPATCHER, MAIN_DISPATCHER, set_ev_cls
from os_ken.lib.packet import ethernet, packet
from os_ken.ofproto import ofproto_v1_3

# The flow a slave tries to add (the test checks it never appears in the switch).
SLAVE_COOKIE = 0x51a7e


class PbL2Switch(app_manager.OSKenApp):
    OFP_VERSIONS = [ofproto_v1_3.OFP_VERSION]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mac_to_port = {}
        self.role = os.environ.get("PBOSK_ROLE", "")
        # not "self.events": OSKenApp keeps its event queue under that name
        self.events_path = os.environ.get("PBOSK_EVENTS", "")

    def record(self, line):
        if self.events_path:
            with open(self.events_path, "a") as f:
                f.write(line + "\n")
        self.logger.info("pbosk: %s", line)

    def add_flow(self, dp, priority, match, actions, cookie=0):
        ofp, parser = dp.ofproto, dp.ofproto_parser
        inst = [parser.OFPInstructionActions(ofp.OFPIT_APPLY_ACTIONS, actions)]
        dp.send_msg(parser.OFPFlowMod(datapath=dp, priority=priority, match=match,
                                      instructions=inst, cookie=cookie))

    @set_ev_cls(ofp_event.EventOFPSwitchFeatures, CONFIG_DISPATCHER)
    def switch_features(self, ev):
        dp = ev.msg.datapath
        ofp, parser = dp.ofproto, dp.ofproto_parser
        self.record("connected %016x" % dp.id)
        if self.role:
            role = ofp.OFPCR_ROLE_MASTER if self.role == "master" else ofp.OFPCR_ROLE_SLAVE
            dp.send_msg(parser.OFPRoleRequest(dp, role, 1))
            if self.role == "slave":
                return
        # table-miss: everything unknown comes to us, whole packets
        self.add_flow(dp, 0, parser.OFPMatch(),
                      [parser.OFPActionOutput(ofp.OFPP_CONTROLLER, ofp.OFPCML_NO_BUFFER)])
        dp.send_msg(parser.OFPBarrierRequest(dp))

    @set_ev_cls(ofp_event.EventOFPRoleReply, [CONFIG_DISPATCHER, MAIN_DISPATCHER])
    def role_reply(self, ev):
        msg = ev.msg
        dp = msg.datapath
        ofp, parser = dp.ofproto, dp.ofproto_parser
        names = {ofp.OFPCR_ROLE_MASTER: "master", ofp.OFPCR_ROLE_SLAVE: "slave",
                 ofp.OFPCR_ROLE_EQUAL: "equal", ofp.OFPCR_ROLE_NOCHANGE: "nochange"}
        self.record("role %s" % names.get(msg.role, str(msg.role)))
        if msg.role == ofp.OFPCR_ROLE_SLAVE:
            match = parser.OFPMatch(eth_type=0x0800, ipv4_dst="192.0.2.99")
            self.add_flow(dp, 333, match, [], cookie=SLAVE_COOKIE)
            dp.send_msg(parser.OFPBarrierRequest(dp))

    @set_ev_cls(ofp_event.EventOFPBarrierReply, [CONFIG_DISPATCHER, MAIN_DISPATCHER])
    def barrier_reply(self, ev):
        self.record("barrier")

    @set_ev_cls(ofp_event.EventOFPErrorMsg, [CONFIG_DISPATCHER, MAIN_DISPATCHER])
    def error(self, ev):
        self.record("error %d %d" % (ev.msg.type, ev.msg.code))

    @set_ev_cls(ofp_event.EventOFPPacketIn, MAIN_DISPATCHER)
    def packet_in(self, ev):
        msg = ev.msg
        dp = msg.datapath
        ofp, parser = dp.ofproto, dp.ofproto_parser
        in_port = msg.match["in_port"]
        eth = packet.Packet(msg.data).get_protocols(ethernet.ethernet)
        if not eth:
            return
        src, dst = eth[0].src, eth[0].dst
        self.record("packet_in %d %s %s" % (in_port, src, dst))
        table = self.mac_to_port.setdefault(dp.id, {})
        table[src] = in_port
        out = table.get(dst, ofp.OFPP_FLOOD)
        actions = [parser.OFPActionOutput(out)]
        if out != ofp.OFPP_FLOOD:
            match = parser.OFPMatch(in_port=in_port, eth_src=src, eth_dst=dst)
            self.add_flow(dp, 1, match, actions)
            self.record("flow %d %s %s %d" % (in_port, src, dst, out))
        data = msg.data if msg.buffer_id == ofp.OFP_NO_BUFFER else None
        dp.send_msg(parser.OFPPacketOut(datapath=dp, buffer_id=msg.buffer_id, in_port=in_port,
                                        actions=actions, data=data))
