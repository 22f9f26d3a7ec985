import CLoopSentryBPF
import Foundation
import LoopSentryCore

/// VNI self-probes in the tc program: the slot table `ls_vni_probe_slots` (slot → VNI, written
/// here) and the returned-probe counters `ls_vni_probe_stats` (per slot, read back per VNI).
extension TCSensorProgram {
    /// Writes slot → VNI for `plan` (`bpf_map_update_elem` on `ls_vni_probe_slots`), clearing
    /// slots a previous plan used; the BPF program counts a probe arriving in another VNI than
    /// its slot's as leaked.
    func writeVNIProbeSlots(_ plan: VNIProbePlan?) throws {
        let vnis = plan?.vnis ?? []
        guard vnis.count <= Int(LS_VNI_PROBE_SLOTS) else {
            throw SensorError.invalidSetting("\(vnis.count) probed VNIs; the probe slot table has \(LS_VNI_PROBE_SLOTS)")
        }
        for slot in 0..<max(vnis.count, vniProbeSlotsWritten) {
            var key = UInt32(slot)
            var value: UInt32 = slot < vnis.count ? vnis[slot].value | UInt32(LS_VNI_PROBE_SLOT_SET) : 0
            try libbpfCall("bpf_map_update_elem(ls_vni_probe_slots)") {
                bpf_map_update_elem(vniProbeSlotsFD, &key, &value, UInt64(BPF_ANY))
            }
        }
        vniProbeSlotsWritten = vnis.count
        vniProbeVNIs = vnis
    }

    /// Returned VNI probes per probed VNI (every probed VNI, zero rows included); empty without
    /// VNI probes (then the map is not read).
    func readVNIProbes() throws -> [VNI: ProbeCounters] {
        guard !vniProbeVNIs.isEmpty else { return [:] }
        let vnis = vniProbeVNIs
        let bySlot = try readProbeCounters(fd: vniProbeStatsFD, map: "ls_vni_probe_stats") { Int($0) }
        var out = Dictionary(uniqueKeysWithValues: vnis.map { ($0, ProbeCounters()) })
        for (slot, counters) in bySlot where slot < vnis.count { out[vnis[slot]] = counters }
        return out
    }
}
