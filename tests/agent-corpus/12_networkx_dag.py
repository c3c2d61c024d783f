import networkx as nx
deps = {"app": ["lib", "utils"], "lib": ["core"], "utils": ["core"], "core": []}
G = nx.DiGraph([(d, k) for k, ds in deps.items() for d in ds])
print(list(nx.topological_sort(G)))
print(nx.is_directed_acyclic_graph(G), nx.dag_longest_path(G))
