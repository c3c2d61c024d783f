import xlsxwriter, zipfile
wb = xlsxwriter.Workbook("report.xlsx")
ws = wb.add_worksheet("Q1")
bold = wb.add_format({"bold": True})
ws.write_row(0, 0, ["month", "revenue"], bold)
for i, (m, v) in enumerate([("Jan", 10), ("Feb", 12), ("Mar", 9)], start=1):
    ws.write(i, 0, m)
    ws.write(i, 1, v)
chart = wb.add_chart({"type": "line"})
chart.add_series({"values": "=Q1!$B$2:$B$4"})
ws.insert_chart("D2", chart)
wb.close()
names = sorted(zipfile.ZipFile("report.xlsx").namelist())
print([n for n in names if "chart" in n])
