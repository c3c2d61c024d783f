from bs4 import BeautifulSoup
soup = BeautifulSoup("<p>unclosed <b>bold<p>next", "html5lib")
print([p.get_text() for p in soup.find_all("p")])
print(soup.body.decode())
