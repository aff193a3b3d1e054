-- 0010_alter_loan_rate_column.sql
-- 台帐 #0010 执行利率字段精度扩展至 6 位小数（小贷 / 账务）
-- 数据库：MySQL 5.7  schema: loan
-- author: 琳琳  date: 2019-03-01  version: 1
-- 回退：sql/0010_rollback_loan_rate_column.sql

USE loan;

CREATE TABLE t_loan_acct_rate_bak0307 AS
SELECT loan_no, exec_rate, base_rate, float_rate FROM t_loan_acct;

ALTER TABLE t_loan_acct
  MODIFY COLUMN exec_rate  DECIMAL(10,6) NOT NULL COMMENT '执行利率',
  MODIFY COLUMN base_rate  DECIMAL(10,6) NOT NULL COMMENT '基准利率',
  MODIFY COLUMN float_rate DECIMAL(10,6) NOT NULL DEFAULT 0 COMMENT '浮动比例';

ALTER TABLE t_interest_detail
  MODIFY COLUMN calc_rate DECIMAL(10,6) NOT NULL COMMENT '计息利率';

-- 验证：精度应为 6
SELECT column_name, numeric_precision, numeric_scale
  FROM information_schema.columns
 WHERE table_schema = 'loan'
   AND column_name IN ('exec_rate', 'base_rate', 'float_rate', 'calc_rate');
