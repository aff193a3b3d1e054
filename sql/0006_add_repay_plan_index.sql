-- 0006_add_repay_plan_index.sql
-- 台帐 #0006 还款计划查询增加复合索引（小贷 / 核心）
-- 数据库：MySQL 5.7  schema: loan
-- author: 琳琳  date: 2019-02-22  version: 1
-- 注意：须在停止日终批处理后执行，预计耗时 25 分钟（3800 万行）
-- 回退：ALTER TABLE t_repay_plan DROP INDEX idx_repay_plan_loan_due;

USE loan;

ALTER TABLE t_repay_plan
  ADD INDEX idx_repay_plan_loan_due (loan_no, due_date),
  ALGORITHM = INPLACE, LOCK = NONE;

ANALYZE TABLE t_repay_plan;

-- 验证：执行计划应显示 key = idx_repay_plan_loan_due
EXPLAIN SELECT plan_no, due_date, principal, interest, status
          FROM t_repay_plan
         WHERE loan_no = 'XD201901150001'
           AND due_date >= '2019-03-01';
