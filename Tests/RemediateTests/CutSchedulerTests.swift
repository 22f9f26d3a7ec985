import LoopSentryCore
import Remediate
import Testing

/// The scheduler batches jobs per port and driver, runs one batch per lane at a time and bounds
/// the Ansible batches running at once.
@Suite struct CutSchedulerTests {
    static let nft = CutScheduler.Lane(port: "sw1|trunk", driver: .nftables)
    static let ans1 = CutScheduler.Lane(port: "sw1|trunk", driver: .ansible)
    static let ans2 = CutScheduler.Lane(port: "sw2|trunk", driver: .ansible)
    static let ans3 = CutScheduler.Lane(port: "sw3|trunk", driver: .ansible)

    func job(_ vlan: Int, _ work: CutWork = .cut, lane: CutScheduler.Lane = nft, attempt: Int = 1) -> CutScheduler.Job {
        CutScheduler.Job(key: DetectionKey(interface: "trunk0", vlan: VLANID(vlan)!), incident: UInt64(vlan), work: work,
                         attempt: attempt, lane: lane)
    }

    @Test("twenty cuts waiting on one port start as one batch, VLANs ascending")
    func coalesces() {
        var s = CutScheduler(maxConcurrentPlaybooks: 2)
        for v in (101...120).reversed() { s.submit(job(v)) }
        let started = s.next()
        #expect(started.count == 1)
        #expect(started[0].jobs.map { Int($0.key.outer!.value) } == Array(101...120))
        #expect(s.pending.isEmpty)
        #expect(s.next().isEmpty)
    }

    @Test("a lane runs one batch at a time: jobs that arrive meanwhile form the next batch")
    func oneBatchPerLane() {
        var s = CutScheduler(maxConcurrentPlaybooks: 2)
        s.submit(job(10))
        let first = s.next()
        s.submit(job(11))
        s.submit(job(12))
        #expect(s.next().isEmpty)
        #expect(s.finished(first[0].id) == first[0])
        let second = s.next()
        #expect(second.map { $0.jobs.map { Int($0.key.outer!.value) } } == [[11, 12]])
        #expect(s.finished(999) == nil)
    }

    @Test("cuts and restores of one lane never share a batch; the kind that waited longest goes first")
    func kindsApart() {
        var s = CutScheduler(maxConcurrentPlaybooks: 2)
        s.submit(job(10, .restore))
        s.submit(job(11, .cut))
        s.submit(job(12, .restore))
        let first = s.next()
        #expect(first.count == 1 && first[0].work == .restore && first[0].jobs.count == 2)
        _ = s.finished(first[0].id)
        let second = s.next()
        #expect(second.count == 1 && second[0].work == .cut && second[0].jobs.count == 1)
    }

    @Test("at most maxConcurrentPlaybooks Ansible batches run at once; native lanes are not bounded by it")
    func boundsPlaybooks() {
        var s = CutScheduler(maxConcurrentPlaybooks: 2)
        s.submit(job(10, lane: Self.ans1))
        s.submit(job(20, lane: Self.ans2))
        s.submit(job(30, lane: Self.ans3))
        s.submit(job(40, lane: Self.nft))
        let started = s.next()
        #expect(started.map(\.lane) == [Self.ans1, Self.ans2, Self.nft])
        #expect(s.pending.map(\.lane) == [Self.ans3])
        _ = s.finished(started[0].id)
        #expect(s.next().map(\.lane) == [Self.ans3])
    }

    @Test("a resubmitted job replaces the waiting one (its newer attempt wins); isBusy sees waiting and running work")
    func replaces() {
        var s = CutScheduler(maxConcurrentPlaybooks: 1)
        s.submit(job(10, attempt: 1))
        s.submit(job(10, attempt: 2))
        #expect(s.pending.count == 1 && s.pending[0].attempt == 2)
        let key = DetectionKey(interface: "trunk0", vlan: VLANID(10)!)
        #expect(s.isBusy(key, .cut))
        let d = s.next()
        #expect(s.isBusy(key, .cut) && !s.isBusy(key, .restore))
        _ = s.finished(d[0].id)
        #expect(!s.isBusy(key, .cut))
    }

    @Test("a restore waits while the VLAN's persistence runs on another lane, then starts; other VLANs do not wait")
    func restoreWaitsForPersistence() {
        var s = CutScheduler(maxConcurrentPlaybooks: 2)
        s.submit(CutScheduler.Job(key: job(20).key, incident: 20, work: .persist, action: .cut, lane: Self.ans1))
        let persist = s.next()
        #expect(persist.count == 1 && persist[0].action == .cut)
        s.submit(job(20, .restore))
        s.submit(job(21, .restore))
        let other = s.next()
        #expect(other.map { $0.jobs.map { Int($0.key.outer!.value) } } == [[21]])
        _ = s.finished(other[0].id)
        #expect(s.next().isEmpty, "VLAN 20's restore must wait for its persistence")
        _ = s.finished(persist[0].id)
        #expect(s.next().map { $0.jobs.map { Int($0.key.outer!.value) } } == [[20]])
    }

    @Test("a cut or restore drops the VLAN's persistence still waiting; persistence of cut and of restore never share a batch")
    func supersedesPersistence() {
        var s = CutScheduler(maxConcurrentPlaybooks: 1)
        s.submit(job(30, lane: Self.ans2))
        let busy = s.next()
        s.submit(CutScheduler.Job(key: job(20).key, incident: 20, work: .persist, action: .cut, lane: Self.ans1))
        s.submit(CutScheduler.Job(key: job(22).key, incident: 22, work: .persist, action: .restore, lane: Self.ans1))
        s.submit(job(20, .restore))
        #expect(s.pending.map { "\($0.key.outer!) \($0.work) \($0.action)" } == ["22 persist restore", "20 restore restore"])
        _ = s.finished(busy[0].id)
        let next = s.next()
        #expect(next.map { "\($0.work) \($0.action) \($0.jobs.count)" } == ["persist restore 1", "restore restore 1"])
    }

    @Test("an Ansible lane starts once quiet for its window, so VLANs detected a poll apart share one run; native lanes never wait")
    func playbookWindow() {
        var s = CutScheduler(maxConcurrentPlaybooks: 2, playbookWindow: 150)
        s.submit(job(10, lane: Self.ans1), at: 1000)
        s.submit(job(40, lane: Self.nft), at: 1000)
        #expect(s.next(at: 1100).map(\.lane) == [Self.nft])
        s.submit(job(11, lane: Self.ans1), at: 1100)
        #expect(s.next(at: 1249).isEmpty, "a job arrived 149 ago")
        let d = s.next(at: 1250)
        #expect(d.map { $0.jobs.map { Int($0.key.outer!.value) } } == [[10, 11]])
    }

    @Test("a lane that keeps getting jobs starts four windows after its oldest")
    func playbookWindowCap() {
        var s = CutScheduler(maxConcurrentPlaybooks: 2, playbookWindow: 100)
        for (i, t) in [0, 90, 180, 270, 360].enumerated() { s.submit(job(10 + i, lane: Self.ans1), at: UInt64(1000 + t)) }
        #expect(s.next(at: 1399).isEmpty)
        #expect(s.next(at: 1400).first?.jobs.count == 5)
    }

    @Test("a bound below 1 is raised to 1")
    func boundAtLeastOne() {
        #expect(CutScheduler(maxConcurrentPlaybooks: 0).maxConcurrentPlaybooks == 1)
    }
}
