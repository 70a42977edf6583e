// OCOPReplica
