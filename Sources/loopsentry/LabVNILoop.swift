import Lab
import LoopSentryCore
import LoopSentrySystem

/// `lab loop --vni N` / `lab unloop --vni N` in a VXLAN lab: joins (or parts) the two switches'
/// tenant bridges of VNI N with a shaped link, and records it in the lab state.
enum LabVNILoop {
    static func open(_ vni: Int, names: LabNamespaces, state: inout LabState) throws {
        let vnis = state.vnis ?? []
        guard vnis.contains(vni), let id = VNI(vni) else { throw LabError.unknownVNI(vni, vnis) }
        guard !(state.openVNILoops ?? []).contains(vni) else { throw LabError.vniLoopAlreadyOpen(vni) }
        let plan = LabPlan(vlans: [], names: names)
        let opened: UInt64
        do {
            // The loop opens with the last step (its second end coming up): stamp just before it.
            let steps = plan.loop(vni: id)
            try LabRunner().run(Array(steps.dropLast()))
            opened = MonotonicClock.nanos()
            try LabRunner().run([steps.last!])
        } catch {
            try? LabRunner().run(plan.unloop(vni: id).map { var s = $0; s.ignoreFailure = true; return s })
            throw error
        }
        state.openVNILoops = (state.openVNILoops ?? []) + [vni]
        try state.save(names)
        print("loop open in VNI \(vni) at monotonic_ns \(opened)")
    }

    static func close(_ vni: Int, names: LabNamespaces, state: inout LabState) throws {
        guard (state.openVNILoops ?? []).contains(vni), let id = VNI(vni) else { throw LabError.vniLoopNotOpen(vni) }
        try LabRunner().run(LabPlan(vlans: [], names: names).unloop(vni: id))
        let closed = MonotonicClock.nanos()
        state.openVNILoops?.removeAll { $0 == vni }
        try state.save(names)
        print("loop closed in VNI \(vni) at monotonic_ns \(closed)")
    }
}
