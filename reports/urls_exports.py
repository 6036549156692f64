patterns = []
