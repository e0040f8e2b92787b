"""(being written: the audit operations of the API register here with spec.operation)"""
