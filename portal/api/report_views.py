"""(being written: the report operations of the API register here with spec.operation)"""
