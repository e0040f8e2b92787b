"""(being written: the decision operations of the API register here with spec.operation)"""
