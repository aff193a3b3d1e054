-- 0010_rollback_loan_rate_column.sql
-- 台帐 #0010 回退脚本：执行利率字段恢复为 4 位小数（小贷 / 账务）
-- 数据库：MySQL 5.7  schema: loan
-- author: 琳琳  date: 2019-03-01  version: 1
-- 2019-03-07 22:50 已在生产执行（期次 2019-03-07 回退）

USE loan;

-- 先检查是否有超过 4 位小数的新数据，有则先按备份表恢复
SELECT COUNT(*) FROM t_loan_acct WHERE exec_rate <> ROUND(exec_rate, 4);

UPDATE t_loan_acct a
  JOIN t_loan_acct_rate_bak0307 b ON b.loan_no = a.loan_no
   SET a.exec_rate = b.exec_rate, a.base_rate = b.base_rate, a.float_rate = b.float_rate;

ALTER TABLE t_loan_acct
  MODIFY COLUMN exec_rate  DECIMAL(8,4) NOT NULL COMMENT '执行利率',
  MODIFY COLUMN base_rate  DECIMAL(8,4) NOT NULL COMMENT '基准利率',
  MODIFY COLUMN float_rate DECIMAL(8,4) NOT NULL DEFAULT 0 COMMENT '浮动比例';

ALTER TABLE t_interest_detail
  MODIFY COLUMN calc_rate DECIMAL(8,4) NOT NULL COMMENT '计息利率';
