import Foundation
import OCOPModel
import OCOPSync

/// What a province's replica may still do after a merger retired its province (2025: 63 → 34).
///
/// Its edits made before the merger and not yet synced must not be stranded: it still logs in,
/// and its push is taken as the surviving province's — rows it created for its own (retired)
/// tenant land in the survivor, exactly as the merger moved the rows already in the national
/// dataset. It may not pull: the dataset it would receive is the survivor's, and a replica is
/// bound to one province. It is told to start a new replica under the survivor instead (the
/// runbook's merger section lists the steps).
public enum RetiredProvince {
    /// The batch as the survivor's: every `tenant_id` naming the retired tenant names the
    /// survivor instead (the value only; the write keeps its clock). Unchanged for any other
    /// principal.
    public static func adopt(_ batch: PushBatch, for principal: Principal) -> PushBatch {
        guard let retired = principal.retiredTenantID, let survivor = principal.tenantID else { return batch }
        let old = SyncValue.blob(ChangePolicy.bytes(of: retired))
        let new = SyncValue.blob(ChangePolicy.bytes(of: survivor))
        var adopted = batch
        for index in adopted.changes.indices {
            if var write = adopted.changes[index].state.columns[TableSchema.tenantColumn], write.value == old {
                write.value = new
                adopted.changes[index].state.columns[TableSchema.tenantColumn] = write
            }
        }
        return adopted
    }

    /// Why `principal` may not pull, or nil when it may.
    public static func pullRefusal(for principal: Principal) -> String? {
        guard let retired = principal.retiredTenantID, let survivor = principal.tenantID else { return nil }
        return "this province (tenant \(retired.uuidString.lowercased())) was merged into tenant \(survivor.uuidString.lowercased()): "
            + "its changes have been received and are now the surviving province's. Create a new replica for the surviving "
            + "province (`ocop init --tenant \(survivor.uuidString.lowercased())`) and sync it with that province's credentials; "
            + "keep this file as an archive"
    }
}
