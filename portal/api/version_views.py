"""(being written: the version operations of the API register here with spec.operation)"""
