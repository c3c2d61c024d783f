import numpy as np
a = np.arange(12).reshape(3, 4)
print(a.sum(axis=0), a.mean(), np.linalg.det(np.array([[2.0, 1.0], [1.0, 3.0]])).round(6))
