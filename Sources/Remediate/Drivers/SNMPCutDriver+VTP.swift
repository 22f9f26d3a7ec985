import LoopSentryCore

/// CISCO-VTP-MIB: GET `vlanTrunkPortSetSerialNo.0` and the chunks the batch touches in one PDU;
/// one SET per changed chunk carrying the serial number read (TestAndIncr: the agent refuses
/// with inconsistentValue when another writer got in between, and the driver re-reads and
/// retries once); one GET to verify.
extension SNMPCutDriver {
    /// RFC 3416 error-status inconsistentValue: the TestAndIncr lost a race.
    static let inconsistentValue = 12

    func applyVTP(_ batch: CutBatch, _ session: SNMPClientSession, _ report: inout SNMPCutReport) {
        let chunks = SNMPCutPlan.vtpChunks(batch.vlans)
        let chunkOIDs = chunks.map { SNMPCutObjects.vtpChunk($0, ifIndex: target.portIndex) }
        var serial: Int
        var read: [Int: [UInt8]]
        do throws(SNMPRequestError) {
            (serial, read) = try readVTP(session, chunks)
        } catch {
            report.fail(batch.vlans, line(report.agent, "GET", [SNMPCutObjects.vtpSetSerialNo] + chunkOIDs, error))
            return
        }
        let changes = SNMPCutPlan.vtpChanges(batch.action, vlans: batch.vlans, ifIndex: target.portIndex, chunks: read)
        if changes.isEmpty {
            report.notes.append("VLANs \(batch.vlans.map(\.description).joined(separator: ",")) already "
                                + "\(batch.action == .cut ? "cut" : "allowed") on \(chunkOIDs.map(SNMPCutObjects.name).joined(separator: ", "))")
            return
        }
        var written: [SNMPObjectID] = []
        for change in changes {
            do throws(SNMPRequestError) {
                serial = try writeChunk(change, serial: serial, batch: batch, session, &report)
                written.append(change.oid)
            } catch {
                report.fail(change.vlans, line(report.agent, "SET", [change.oid], error))
            }
        }
        verifyVTP(batch, written, session, &report)
    }

    /// One SET of the serial number and the chunk; on inconsistentValue, re-reads both and
    /// retries once. Returns the serial number the next SET must carry.
    private func writeChunk(_ change: SNMPBitmapChange, serial: Int, batch: CutBatch, _ session: SNMPClientSession,
                            _ report: inout SNMPCutReport) throws(SNMPRequestError) -> Int {
        do throws(SNMPRequestError) {
            try timedSet(session, [(SNMPCutObjects.vtpSetSerialNo, .integer(serial)), (change.oid, .octets(change.new))],
                         naming: [change.oid], &report)
            return Self.next(serial)
        } catch .errorStatus(Self.inconsistentValue, _) {
            let chunk = SNMPBitmap.vtpChunk(of: change.vlans[0])
            let (fresh, read) = try readVTP(session, [chunk])
            report.notes.append("retried after inconsistentValue (another writer)")
            guard let again = SNMPCutPlan.vtpChanges(batch.action, vlans: change.vlans, ifIndex: target.portIndex,
                                                     chunks: read).first else { return fresh }
            try timedSet(session, [(SNMPCutObjects.vtpSetSerialNo, .integer(fresh)), (again.oid, .octets(again.new))],
                         naming: [again.oid], &report)
            return Self.next(fresh)
        }
    }

    /// GET serialNo and `chunks` in one PDU.
    private func readVTP(_ session: SNMPClientSession, _ chunks: [Int]) throws(SNMPRequestError) -> (Int, [Int: [UInt8]]) {
        let oids = [SNMPCutObjects.vtpSetSerialNo] + chunks.map { SNMPCutObjects.vtpChunk($0, ifIndex: target.portIndex) }
        let values = try session.getAll(oids)
        guard case .integer(let serial) = values[0] else {
            throw .value("vlanTrunkPortSetSerialNo is not an INTEGER", oid: oids[0])
        }
        var read: [Int: [UInt8]] = [:]
        for (i, chunk) in chunks.enumerated() {
            guard case .octets(let bytes) = values[i + 1] else { throw .value("not an OCTET STRING", oid: oids[i + 1]) }
            read[chunk] = bytes
        }
        return (serial, read)
    }

    /// One GET of the written chunks; a VLAN whose bit is not as wanted fails.
    private func verifyVTP(_ batch: CutBatch, _ written: [SNMPObjectID], _ session: SNMPClientSession,
                           _ report: inout SNMPCutReport) {
        guard !written.isEmpty else { return }
        do throws(SNMPRequestError) {
            let values = try session.getAll(written)
            for (oid, value) in zip(written, values) {
                guard case .octets(let bytes) = value, let column = oid.dropLast().last,
                      let chunk = SNMPCutObjects.vtpChunkColumns.firstIndex(of: column) else { continue }
                let wrong = SNMPCutPlan.vtpMismatches(batch.action, vlans: batch.vlans, chunk: chunk, bytes: bytes)
                report.fail(wrong, "\(report.agent): verify \(SNMPCutObjects.name(oid)) after SET: VLAN bit not "
                            + "\(batch.action == .cut ? "cleared" : "set")")
            }
            report.notes.append("verified by re-read")
        } catch {
            report.notes.append("not verified: \(line(report.agent, "GET", written, error))")
        }
    }

    /// A TestAndIncr's value after a successful SET (wraps at 2^31 − 1 to 0).
    static func next(_ serial: Int) -> Int { serial >= 2_147_483_647 ? 0 : serial + 1 }
}
