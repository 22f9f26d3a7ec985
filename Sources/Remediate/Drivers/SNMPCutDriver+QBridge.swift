import LoopSentryCore

/// Q-BRIDGE-MIB: GET `dot1qVlanStaticEgressPorts.<vlan>` of the batch's VLANs, one SET with one
/// varbind per VLAN whose port bit must change (the agent applies the PDU as a whole), one GET
/// to verify. `dot1qVlanStaticUntaggedPorts` is never touched. Q-BRIDGE-MIB has no TestAndIncr:
/// a writer changing the same VLAN between the GET and the SET is overwritten.
extension SNMPCutDriver {
    /// VLANs per PDU: keeps requests and responses well inside one UDP datagram and under
    /// agents' varbind limits (a 4096-port PortList is 512 octets).
    static let qBridgeVLANsPerPDU = 32

    func applyQBridge(_ batch: CutBatch, _ session: SNMPClientSession, _ report: inout SNMPCutReport) {
        var changes: [SNMPBitmapChange] = []
        for group in batch.vlans.chunked(Self.qBridgeVLANsPerPDU) {
            let lists = readEgress(group, session, &report)
            changes += SNMPCutPlan.egressChanges(batch.action, port: target.portIndex, lists: lists)
        }
        let planned = Set(changes.flatMap(\.vlans))
        let unchanged = batch.vlans.filter { !planned.contains($0) && report.failures[$0] == nil }
        if !unchanged.isEmpty {
            report.notes.append("VLANs \(unchanged.map(\.description).joined(separator: ",")) already "
                                + "\(batch.action == .cut ? "without" : "with") port \(target.portIndex)")
        }
        var written: [VLANID] = []
        for group in changes.chunked(Self.qBridgeVLANsPerPDU) {
            let oids = group.map(\.oid)
            do throws(SNMPRequestError) {
                try timedSet(session, group.map { ($0.oid, .octets($0.new)) }, naming: oids, &report)
                written += group.flatMap(\.vlans)
            } catch {
                report.fail(group.flatMap(\.vlans), line(report.agent, "SET", oids, error))
            }
        }
        verifyQBridge(batch.action, written, session, &report)
    }

    /// The egress PortList of each VLAN of `group` (one GET); a VLAN the agent does not know fails.
    private func readEgress(_ group: [VLANID], _ session: SNMPClientSession, _ report: inout SNMPCutReport) -> [VLANID: [UInt8]] {
        let oids = group.map(SNMPCutObjects.egressPorts)
        var lists: [VLANID: [UInt8]] = [:]
        do throws(SNMPRequestError) {
            for (vlan, result) in zip(group, try session.get(oids)) {
                switch result {
                case .success(.octets(let bytes)): lists[vlan] = bytes
                case .success: report.fail([vlan], line(report.agent, "GET", [SNMPCutObjects.egressPorts(vlan)],
                                                        .value("not an OCTET STRING", oid: SNMPCutObjects.egressPorts(vlan))))
                case .failure(let error): report.fail([vlan], line(report.agent, "GET", [SNMPCutObjects.egressPorts(vlan)], error))
                }
            }
        } catch {
            report.fail(group, line(report.agent, "GET", oids, error))
        }
        return lists
    }

    /// One GET of the written VLANs' egress ports; a VLAN whose port bit is not as wanted fails.
    private func verifyQBridge(_ action: PlaybookAction, _ written: [VLANID], _ session: SNMPClientSession,
                               _ report: inout SNMPCutReport) {
        guard !written.isEmpty else { return }
        let bit = SNMPBitmap.portBit(target.portIndex)
        do throws(SNMPRequestError) {
            for group in written.chunked(Self.qBridgeVLANsPerPDU) {
                for (vlan, value) in zip(group, try session.getAll(group.map(SNMPCutObjects.egressPorts))) {
                    guard case .octets(let bytes) = value, SNMPBitmap.isSet(bytes, bit) != (action == .restore) else { continue }
                    report.fail([vlan], "\(report.agent): verify \(SNMPCutObjects.name(SNMPCutObjects.egressPorts(vlan))) "
                                + "after SET: port \(target.portIndex) bit not \(action == .cut ? "cleared" : "set")")
                }
            }
            report.notes.append("verified by re-read")
        } catch {
            report.notes.append("not verified: \(line(report.agent, "GET", written.map(SNMPCutObjects.egressPorts), error))")
        }
    }
}

extension Array {
    /// The array in consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
