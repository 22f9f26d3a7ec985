import LoopSentryCore
import Testing

@Suite struct VLANSetTests {
    func parseError(_ text: String) -> VLANSet.ParseError? {
        do {
            _ = try VLANSet(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesSinglesAndRangesAndContainsExactlyThem() throws {
        let set = try VLANSet(parsing: "10,20-30,4094")
        #expect(set.description == "10,20-30,4094")
        #expect(set.count == 13)
        for vlan in [10, 20, 25, 30, 4094] { #expect(set.contains(VLANID(vlan)!), "VLAN \(vlan)") }
        for vlan in [1, 9, 11, 19, 31, 4093, 4095] { #expect(!set.contains(VLANID(vlan)!), "VLAN \(vlan)") }
    }

    @Test func blanksAroundItemsAreAllowed() throws {
        #expect(try VLANSet(parsing: " 10 , 20 - 30 ,\t4094 ").description == "10,20-30,4094")
    }

    @Test func overlappingAndAdjacentItemsMergeInOrder() throws {
        #expect(try VLANSet(parsing: "300,10-20,15,21,5").description == "5,10-21,300")
        #expect(try VLANSet(parsing: "1-4094,7").count == 4094)
        #expect(try VLANSet(parsing: "1").description == "1")
    }

    @Test func firstCommonVLANFindsTheLowestOverlap() throws {
        let a = try VLANSet(parsing: "10-20,40-50")
        #expect(a.firstCommonVLAN(with: try VLANSet(parsing: "21-39,45,48")) == VLANID(45))
        #expect(a.firstCommonVLAN(with: try VLANSet(parsing: "1-9,21-39,51")) == nil)
        #expect(a.firstCommonVLAN(with: VLANSet()) == nil)
    }

    @Test(arguments: [
        ("", "VLAN list is empty"),
        ("   ", "VLAN list is empty"),
        ("10,,20", "item 2 of the VLAN list is empty"),
        ("10,", "item 2 of the VLAN list is empty"),
        ("abc", "'abc' is not a VLAN ID or range (expected N or N-M)"),
        ("10-", "'10-' is not a VLAN ID or range (expected N or N-M)"),
        ("-5", "'-5' is not a VLAN ID or range (expected N or N-M)"),
        ("1-2-3", "'1-2-3' is not a VLAN ID or range (expected N or N-M)"),
        ("+10", "'+10' is not a VLAN ID or range (expected N or N-M)"),
        ("1e3", "'1e3' is not a VLAN ID or range (expected N or N-M)"),
        ("10 20", "'10 20' is not a VLAN ID or range (expected N or N-M)"),
        ("0", "VLAN 0 is out of range 1-4094"),
        ("4095", "VLAN 4095 is out of range 1-4094"),
        ("100-5000", "VLAN 5000 is out of range 1-4094"),
        ("99999999999999999999999", "VLAN 99999999999999999999999 is out of range 1-4094"),
        ("30-20", "VLAN range 30-20 is reversed (start is after end)"),
    ])
    func badListsAreRejectedWithAnExactMessage(input: String, message: String) {
        #expect(parseError(input)?.description == message)
    }

    @Test func errorsAreTyped() {
        #expect(parseError("") == .empty)
        #expect(parseError("5,") == .emptyItem(position: 2))
        #expect(parseError("x") == .notAVLAN("x"))
        #expect(parseError("4095") == .outOfRange("4095"))
        #expect(parseError("9-1") == .reversedRange("9-1"))
    }
}
