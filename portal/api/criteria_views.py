"""(being written: the criteria operations of the API register here with spec.operation)"""
