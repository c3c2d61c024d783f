import openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Budget"
ws.append(["item", "cost"])
for item, cost in [("rent", 1200), ("food", 430), ("travel", 210)]:
    ws.append([item, cost])
ws["D1"] = "total"
ws["D2"] = "=SUM(B2:B4)"
wb.save("budget.xlsx")
wb2 = openpyxl.load_workbook("budget.xlsx")
sheet = wb2["Budget"]
print(sheet.max_row, sheet.max_column, sheet["D2"].value)
print(sum(r[1].value for r in sheet.iter_rows(min_row=2)))
