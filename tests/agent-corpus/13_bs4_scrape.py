from bs4 import BeautifulSoup
html = """<html><body><table id="t"><tr><th>Name</th><th>Score</th></tr>
<tr><td>Ann</td><td>91</td></tr><tr><td>Bob</td><td>78</td></tr></table>
<a href="/x">x</a><a href="/y" class="ext">y</a></body></html>"""
soup = BeautifulSoup(html, "html.parser")
rows = [[td.get_text() for td in tr.find_all("td")] for tr in soup.select("#t tr")[1:]]
print(rows)
print([a["href"] for a in soup.find_all("a")], soup.select_one("a.ext").text)
