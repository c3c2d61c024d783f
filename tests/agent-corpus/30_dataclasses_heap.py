from dataclasses import dataclass, field, asdict
import heapq
@dataclass(order=True)
class Task:
    priority: int
    name: str = field(compare=False)
tasks = [Task(3, "write"), Task(1, "plan"), Task(2, "test")]
heapq.heapify(tasks)
order = [heapq.heappop(tasks).name for _ in range(3)]
print(order, asdict(Task(9, "x")))
