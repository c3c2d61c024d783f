import sqlite3
db = sqlite3.connect(":memory:")
db.execute("create table orders(id integer primary key, customer text, amount real)")
db.executemany("insert into orders(customer, amount) values (?, ?)", [("ann", 30), ("bob", 12.5), ("ann", 7.5), ("cy", 99)])
for row in db.execute("select customer, count(*), sum(amount) from orders group by customer order by sum(amount) desc"):
    print(row)
print(db.execute("select avg(amount) from orders").fetchone()[0])
