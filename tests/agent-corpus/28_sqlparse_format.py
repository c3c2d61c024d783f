import sqlparse
sql = "select a.id, b.name from a join b on a.id=b.aid where b.active=1 order by b.name"
print(sqlparse.format(sql, reindent=True, keyword_case="upper"))
stmt = sqlparse.parse(sql)[0]
print(stmt.get_type(), len(stmt.tokens))
