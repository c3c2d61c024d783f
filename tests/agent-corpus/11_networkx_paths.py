import networkx as nx
G = nx.Graph()
G.add_weighted_edges_from([("A", "B", 4), ("A", "C", 2), ("C", "B", 1), ("B", "D", 5), ("C", "D", 8)])
print(nx.shortest_path(G, "A", "D", weight="weight"), nx.shortest_path_length(G, "A", "D", weight="weight"))
print(sorted(nx.degree_centrality(G).items()))
T = nx.minimum_spanning_tree(G)
print(sorted(T.edges(data="weight")))
