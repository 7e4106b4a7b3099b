//! Transcript tests for the programs the shell implements (coreutils, grep, sed, awk),
//! checked against GNU coreutils, GNU grep/sed and awk on Linux.

mod common;

use common::check;
use expect_test::expect;

#[test]
fn cat_head_tail_wc() {
    check(
        r#"
$ printf 'banana 3\napple 10\ncherry 2\napple 10\n' > fruits.txt
$ cat fruits.txt
$ cat -n fruits.txt
$ head -n 2 fruits.txt
$ head -2 fruits.txt
$ tail -n 1 fruits.txt
$ tail -n +3 fruits.txt
$ head -c 5 fruits.txt; echo
$ head -n 1 fruits.txt nofile
$ wc fruits.txt
$ wc -l fruits.txt
$ wc -l < fruits.txt
$ cat fruits.txt | wc
$ wc -w fruits.txt fruits.txt
"#,
        expect![[r#"
            $ printf 'banana 3\napple 10\ncherry 2\napple 10\n' > fruits.txt
            $ cat fruits.txt
            banana 3
            apple 10
            cherry 2
            apple 10
            $ cat -n fruits.txt
                 1	banana 3
                 2	apple 10
                 3	cherry 2
                 4	apple 10
            $ head -n 2 fruits.txt
            banana 3
            apple 10
            $ head -2 fruits.txt
            banana 3
            apple 10
            $ tail -n 1 fruits.txt
            apple 10
            $ tail -n +3 fruits.txt
            cherry 2
            apple 10
            $ head -c 5 fruits.txt; echo
            banan
            $ head -n 1 fruits.txt nofile
            ==> fruits.txt <==
            banana 3
            head: cannot open 'nofile' for reading: No such file or directory
            [exit 1]
            $ wc fruits.txt
             4  8 36 fruits.txt
            $ wc -l fruits.txt
            4 fruits.txt
            $ wc -l < fruits.txt
            4
            $ cat fruits.txt | wc
                  4       8      36
            $ wc -w fruits.txt fruits.txt
             8 fruits.txt
             8 fruits.txt
            16 total
        "#]],
    );
}

#[test]
fn sort_uniq_cut_tr() {
    check(
        r#"
$ printf 'banana 3\napple 10\ncherry 2\napple 10\n' > fruits.txt
$ sort fruits.txt
$ sort -r fruits.txt
$ sort -u fruits.txt
$ sort -k2 -n fruits.txt
$ sort -k2,2nr fruits.txt
$ sort fruits.txt | uniq -c
$ sort fruits.txt | uniq
$ cut -d' ' -f1 fruits.txt
$ cut -d' ' -f2- fruits.txt
$ cut -c1-3 fruits.txt
$ cut -f1 fruits.txt
$ echo hello | tr a-z A-Z
$ echo 'hello   world' | tr -s ' '
$ echo hello | tr -d l
$ echo 'a:b:c' | tr : '\n'
$ echo hello | tr '[:lower:]' '[:upper:]'
"#,
        expect![[r#"
            $ printf 'banana 3\napple 10\ncherry 2\napple 10\n' > fruits.txt
            $ sort fruits.txt
            apple 10
            apple 10
            banana 3
            cherry 2
            $ sort -r fruits.txt
            cherry 2
            banana 3
            apple 10
            apple 10
            $ sort -u fruits.txt
            apple 10
            banana 3
            cherry 2
            $ sort -k2 -n fruits.txt
            cherry 2
            banana 3
            apple 10
            apple 10
            $ sort -k2,2nr fruits.txt
            apple 10
            apple 10
            banana 3
            cherry 2
            $ sort fruits.txt | uniq -c
                  2 apple 10
                  1 banana 3
                  1 cherry 2
            $ sort fruits.txt | uniq
            apple 10
            banana 3
            cherry 2
            $ cut -d' ' -f1 fruits.txt
            banana
            apple
            cherry
            apple
            $ cut -d' ' -f2- fruits.txt
            3
            10
            2
            10
            $ cut -c1-3 fruits.txt
            ban
            app
            che
            app
            $ cut -f1 fruits.txt
            banana 3
            apple 10
            cherry 2
            apple 10
            $ echo hello | tr a-z A-Z
            HELLO
            $ echo 'hello   world' | tr -s ' '
            hello world
            $ echo hello | tr -d l
            heo
            $ echo 'a:b:c' | tr : '\n'
            a
            b
            c
            $ echo hello | tr '[:lower:]' '[:upper:]'
            HELLO
        "#]],
    );
}

#[test]
fn grep() {
    check(
        r#"
$ printf 'banana 3\napple 10\ncherry 2\napple 10\n' > fruits.txt
$ grep apple fruits.txt
$ grep -c apple fruits.txt
$ grep -n an fruits.txt
$ grep -v apple fruits.txt
$ grep -i APPLE fruits.txt
$ grep -E 'ba|ch' fruits.txt
$ grep -o '[0-9]\+' fruits.txt
$ grep -w app fruits.txt
$ grep -q cherry fruits.txt && echo found
$ grep nomatch fruits.txt
$ grep apple nofile
$ grep apple fruits.txt nofile
$ grep -l apple fruits.txt
$ mkdir -p src/a && echo 'needle here' > src/a/x.txt && echo 'no' > src/y.txt
$ grep -r needle src
$ grep -rn needle .
"#,
        expect![[r#"
            $ printf 'banana 3\napple 10\ncherry 2\napple 10\n' > fruits.txt
            $ grep apple fruits.txt
            apple 10
            apple 10
            $ grep -c apple fruits.txt
            2
            $ grep -n an fruits.txt
            1:banana 3
            $ grep -v apple fruits.txt
            banana 3
            cherry 2
            $ grep -i APPLE fruits.txt
            apple 10
            apple 10
            $ grep -E 'ba|ch' fruits.txt
            banana 3
            cherry 2
            $ grep -o '[0-9]\+' fruits.txt
            3
            10
            2
            10
            $ grep -w app fruits.txt
            [exit 1]
            $ grep -q cherry fruits.txt && echo found
            found
            $ grep nomatch fruits.txt
            [exit 1]
            $ grep apple nofile
            grep: nofile: No such file or directory
            [exit 2]
            $ grep apple fruits.txt nofile
            fruits.txt:apple 10
            fruits.txt:apple 10
            grep: nofile: No such file or directory
            [exit 2]
            $ grep -l apple fruits.txt
            fruits.txt
            $ mkdir -p src/a && echo 'needle here' > src/a/x.txt && echo 'no' > src/y.txt
            $ grep -r needle src
            src/a/x.txt:needle here
            $ grep -rn needle .
            ./src/a/x.txt:1:needle here
        "#]],
    );
}

#[test]
fn sed() {
    check(
        r#"
$ printf 'banana 3\napple 10\ncherry 2\napple 10\n' > fruits.txt
$ sed 's/apple/APPLE/' fruits.txt
$ sed 's/a/A/g' fruits.txt
$ sed -n '2p' fruits.txt
$ sed '1d' fruits.txt
$ sed -n '/cherry/p' fruits.txt
$ sed -e 's/ /=/' -e 's/[0-9]/#/g' fruits.txt
$ sed -E 's/([a-z]+) ([0-9]+)/\2 \1/' fruits.txt
$ sed 's/\(ap\)ple/\1-&/' fruits.txt
$ sed '2,3d' fruits.txt
$ sed '$d' fruits.txt
$ sed '/apple/!d' fruits.txt
$ cp fruits.txt f2.txt; sed -i 's/banana/BANANA/' f2.txt; cat f2.txt
$ sed 's/x' fruits.txt
$ sed 'k' fruits.txt
"#,
        expect![[r#"
            $ printf 'banana 3\napple 10\ncherry 2\napple 10\n' > fruits.txt
            $ sed 's/apple/APPLE/' fruits.txt
            banana 3
            APPLE 10
            cherry 2
            APPLE 10
            $ sed 's/a/A/g' fruits.txt
            bAnAnA 3
            Apple 10
            cherry 2
            Apple 10
            $ sed -n '2p' fruits.txt
            apple 10
            $ sed '1d' fruits.txt
            apple 10
            cherry 2
            apple 10
            $ sed -n '/cherry/p' fruits.txt
            cherry 2
            $ sed -e 's/ /=/' -e 's/[0-9]/#/g' fruits.txt
            banana=#
            apple=##
            cherry=#
            apple=##
            $ sed -E 's/([a-z]+) ([0-9]+)/\2 \1/' fruits.txt
            3 banana
            10 apple
            2 cherry
            10 apple
            $ sed 's/\(ap\)ple/\1-&/' fruits.txt
            banana 3
            ap-apple 10
            cherry 2
            ap-apple 10
            $ sed '2,3d' fruits.txt
            banana 3
            apple 10
            $ sed '$d' fruits.txt
            banana 3
            apple 10
            cherry 2
            $ sed '/apple/!d' fruits.txt
            apple 10
            apple 10
            $ cp fruits.txt f2.txt; sed -i 's/banana/BANANA/' f2.txt; cat f2.txt
            BANANA 3
            apple 10
            cherry 2
            apple 10
            $ sed 's/x' fruits.txt
            sed: -e expression #1, char 3: unterminated `s' command
            [exit 1]
            $ sed 'k' fruits.txt
            sed: -e expression #1, char 1: unknown command: `k'
            [exit 1]
        "#]],
    );
}

#[test]
fn awk() {
    check(
        r#"
$ printf 'banana 3\napple 10\ncherry 2\napple 10\n' > fruits.txt
$ awk '{print $1}' fruits.txt
$ awk '{print $2, $1}' fruits.txt
$ awk -F' ' '{print NR": "$NF}' fruits.txt
$ awk '/apple/ {n++} END {print n}' fruits.txt
$ awk '{s += $2} END {print "total", s}' fruits.txt
$ awk 'BEGIN {print "start"} {print NF} END {print "end"}' fruits.txt
$ awk '$2 > 2 {print $1}' fruits.txt
$ awk '{printf "%-8s|%5d|\n", $1, $2}' fruits.txt
$ echo 'a:b:c' | awk -F: '{print $2; print NF}'
$ echo 'x y z' | awk '{ $2 = "Y"; print; print $0 }'
$ awk '{ count[$1]++ } END { for (k in count) print k, count[k] }' fruits.txt
$ awk 'BEGIN { x = 7; if (x > 5) print "big"; else print "small" }'
$ awk 'BEGIN { for (i = 1; i <= 3; i++) printf "%d ", i; print "" }'
$ awk 'BEGIN { s = "hello world"; print length(s), substr(s, 1, 5), index(s, "world"), toupper(s) }'
$ awk 'BEGIN { n = split("a,b,c", arr, ","); print n, arr[2] }'
$ echo 'foo bar foo' | awk '{ gsub(/foo/, "baz"); print }'
$ awk 'BEGIN { printf "%.2f %5.1f %e\n", 3.14159, 2.5, 12345.678 }'
$ awk 'NR==2' fruits.txt
$ awk 'BEGIN { print 1/3, 10/2, 2^10 }'
$ awk '{print $1' fruits.txt
"#,
        expect![[r#"
            $ printf 'banana 3\napple 10\ncherry 2\napple 10\n' > fruits.txt
            $ awk '{print $1}' fruits.txt
            banana
            apple
            cherry
            apple
            $ awk '{print $2, $1}' fruits.txt
            3 banana
            10 apple
            2 cherry
            10 apple
            $ awk -F' ' '{print NR": "$NF}' fruits.txt
            1: 3
            2: 10
            3: 2
            4: 10
            $ awk '/apple/ {n++} END {print n}' fruits.txt
            2
            $ awk '{s += $2} END {print "total", s}' fruits.txt
            total 25
            $ awk 'BEGIN {print "start"} {print NF} END {print "end"}' fruits.txt
            start
            2
            2
            2
            2
            end
            $ awk '$2 > 2 {print $1}' fruits.txt
            banana
            apple
            apple
            $ awk '{printf "%-8s|%5d|\n", $1, $2}' fruits.txt
            banana  |    3|
            apple   |   10|
            cherry  |    2|
            apple   |   10|
            $ echo 'a:b:c' | awk -F: '{print $2; print NF}'
            b
            3
            $ echo 'x y z' | awk '{ $2 = "Y"; print; print $0 }'
            x Y z
            x Y z
            $ awk '{ count[$1]++ } END { for (k in count) print k, count[k] }' fruits.txt
            apple 2
            banana 1
            cherry 1
            $ awk 'BEGIN { x = 7; if (x > 5) print "big"; else print "small" }'
            big
            $ awk 'BEGIN { for (i = 1; i <= 3; i++) printf "%d ", i; print "" }'
            1 2 3 
            $ awk 'BEGIN { s = "hello world"; print length(s), substr(s, 1, 5), index(s, "world"), toupper(s) }'
            11 hello 7 HELLO WORLD
            $ awk 'BEGIN { n = split("a,b,c", arr, ","); print n, arr[2] }'
            3 b
            $ echo 'foo bar foo' | awk '{ gsub(/foo/, "baz"); print }'
            baz bar baz
            $ awk 'BEGIN { printf "%.2f %5.1f %e\n", 3.14159, 2.5, 12345.678 }'
            3.14   2.5 1.234568e+04
            $ awk 'NR==2' fruits.txt
            apple 10
            $ awk 'BEGIN { print 1/3, 10/2, 2^10 }'
            0.333333 5 1024
            $ awk '{print $1' fruits.txt
            awk: cmd. line:1: syntax error: unexpected newline or end of string
            [exit 2]
        "#]],
    );
}

#[test]
fn base64_tee_seq_xargs() {
    check(
        r#"
$ printf 'banana 3\napple 10\ncherry 2\napple 10\n' > fruits.txt
$ echo hello | base64
$ echo aGVsbG8K | base64 -d
$ printf 'x%.0s' $(seq 1 60) | base64 -w 0; echo
$ printf 'x%.0s' $(seq 1 60) | base64
$ echo '!!!' | base64 -d
$ echo data | tee out1.txt out2.txt; cat out2.txt
$ echo more | tee -a out1.txt > /dev/null; cat out1.txt
$ seq 3
$ seq 2 4
$ seq 0 5 20
$ seq -s, 1 5
$ seq 3 1
$ seq 5 -2 1
$ echo a b c | xargs echo got
$ printf '1\n2\n3\n' | xargs -n 1 echo item
$ printf 'x\ny\n' | xargs -I{} echo '<{}>'
$ echo f1 f2 | xargs touch; ls f1 f2
$ basename /a/b/c.yaml; basename /a/b/c.yaml .yaml; dirname /a/b/c.yaml; dirname c.yaml; basename /; dirname /
"#,
        expect![[r#"
            $ printf 'banana 3\napple 10\ncherry 2\napple 10\n' > fruits.txt
            $ echo hello | base64
            aGVsbG8K
            $ echo aGVsbG8K | base64 -d
            hello
            $ printf 'x%.0s' $(seq 1 60) | base64 -w 0; echo
            eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4
            $ printf 'x%.0s' $(seq 1 60) | base64
            eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4
            eHh4
            $ echo '!!!' | base64 -d
            base64: invalid input
            [exit 1]
            $ echo data | tee out1.txt out2.txt; cat out2.txt
            data
            data
            $ echo more | tee -a out1.txt > /dev/null; cat out1.txt
            data
            more
            $ seq 3
            1
            2
            3
            $ seq 2 4
            2
            3
            4
            $ seq 0 5 20
            0
            5
            10
            15
            20
            $ seq -s, 1 5
            1,2,3,4,5
            $ seq 3 1
            $ seq 5 -2 1
            5
            3
            1
            $ echo a b c | xargs echo got
            got a b c
            $ printf '1\n2\n3\n' | xargs -n 1 echo item
            item 1
            item 2
            item 3
            $ printf 'x\ny\n' | xargs -I{} echo '<{}>'
            <x>
            <y>
            $ echo f1 f2 | xargs touch; ls f1 f2
            f1  f2
            $ basename /a/b/c.yaml; basename /a/b/c.yaml .yaml; dirname /a/b/c.yaml; dirname c.yaml; basename /; dirname /
            c.yaml
            c
            /a/b
            .
            /
            /
        "#]],
    );
}

#[test]
fn printf_echo() {
    check(
        r#"
$ printf 'banana 3\napple 10\ncherry 2\napple 10\n' > fruits.txt
$ printf '%s-%s\n' a b c d
$ printf '%5s|%-5s|%05d|%x|%o|%c\n' ab cd 42 255 8 xyz
$ printf '%d\n' abc
$ printf '%q\n' 'a b' "it's"
$ printf 'no newline'
$ printf '%s\n'
$ printf '%3.1f%%\n' 99.44
$ echo -n no-newline; echo
$ echo -e 'a\tb\nc'
$ echo -e 'stop\cnever'; echo
$ echo -E 'raw\n'
$ echo -- -n
"#,
        expect![[r#"
            $ printf 'banana 3\napple 10\ncherry 2\napple 10\n' > fruits.txt
            $ printf '%s-%s\n' a b c d
            a-b
            c-d
            $ printf '%5s|%-5s|%05d|%x|%o|%c\n' ab cd 42 255 8 xyz
               ab|cd   |00042|ff|10|x
            $ printf '%d\n' abc
            bash: printf: abc: invalid number
            0
            [exit 1]
            $ printf '%q\n' 'a b' "it's"
            a\ b
            it\'s
            $ printf 'no newline'
            no newline⏎
            $ printf '%s\n'

            $ printf '%3.1f%%\n' 99.44
            99.4%
            $ echo -n no-newline; echo
            no-newline
            $ echo -e 'a\tb\nc'
            a	b
            c
            $ echo -e 'stop\cnever'; echo
            stop
            $ echo -E 'raw\n'
            raw\n
            $ echo -- -n
            -- -n
        "#]],
    );
}

#[test]
fn files() {
    check(
        r#"
$ printf 'banana 3\napple 10\ncherry 2\napple 10\n' > fruits.txt
$ mkdir -p src/a && echo 'needle here' > src/a/x.txt && echo 'no' > src/y.txt
$ echo data | tee out1.txt out2.txt > /dev/null
$ ls
$ ls -1
$ ls -a src
$ ls src
$ ls nofile
$ ls fruits.txt src
$ mkdir newdir; ls -d newdir
$ mkdir newdir
$ mkdir a/b/c
$ mkdir
$ rmdir src
$ rm nofile
$ rm src
$ rm -f nofile; echo $?
$ rm -r src; ls
$ rm
$ cp fruits.txt copy.txt; cat copy.txt | head -1
$ cp nofile x
$ cp fruits.txt
$ mkdir dir1; cp fruits.txt copy.txt dir1; ls dir1
$ cp dir1 dir2
$ cp -r dir1 dir2; ls dir2
$ mv copy.txt moved.txt; ls moved.txt copy.txt
$ mv nofile x
$ mv moved.txt dir1; ls dir1
$ touch nodir/file
$ cat dir1
$ cat fruits.txt - <<< stdin-part
$ tac fruits.txt
$ rev <<< hello
$ find dir2 -name '*.txt'
$ find . -type d
$ realpath fruits.txt
$ true; echo $?; false; echo $?
$ clear
$ less fruits.txt | head -1
"#,
        expect![[r#"
            $ printf 'banana 3\napple 10\ncherry 2\napple 10\n' > fruits.txt
            $ mkdir -p src/a && echo 'needle here' > src/a/x.txt && echo 'no' > src/y.txt
            $ echo data | tee out1.txt out2.txt > /dev/null
            $ ls
            fruits.txt  out1.txt  out2.txt  src
            $ ls -1
            fruits.txt
            out1.txt
            out2.txt
            src
            $ ls -a src
            .  ..  a  y.txt
            $ ls src
            a  y.txt
            $ ls nofile
            ls: cannot access 'nofile': No such file or directory
            [exit 2]
            $ ls fruits.txt src
            fruits.txt

            src:
            a  y.txt
            $ mkdir newdir; ls -d newdir
            newdir
            $ mkdir newdir
            mkdir: cannot create directory ‘newdir’: File exists
            [exit 1]
            $ mkdir a/b/c
            mkdir: cannot create directory ‘a/b/c’: No such file or directory
            [exit 1]
            $ mkdir
            mkdir: missing operand
            Try 'mkdir --help' for more information.
            [exit 1]
            $ rmdir src
            rmdir: failed to remove 'src': Directory not empty
            [exit 1]
            $ rm nofile
            rm: cannot remove 'nofile': No such file or directory
            [exit 1]
            $ rm src
            rm: cannot remove 'src': Is a directory
            [exit 1]
            $ rm -f nofile; echo $?
            0
            $ rm -r src; ls
            fruits.txt  newdir  out1.txt  out2.txt
            $ rm
            rm: missing operand
            Try 'rm --help' for more information.
            [exit 1]
            $ cp fruits.txt copy.txt; cat copy.txt | head -1
            banana 3
            $ cp nofile x
            cp: cannot stat 'nofile': No such file or directory
            [exit 1]
            $ cp fruits.txt
            cp: missing destination file operand after 'fruits.txt'
            Try 'cp --help' for more information.
            [exit 1]
            $ mkdir dir1; cp fruits.txt copy.txt dir1; ls dir1
            copy.txt  fruits.txt
            $ cp dir1 dir2
            cp: -r not specified; omitting directory 'dir1'
            [exit 1]
            $ cp -r dir1 dir2; ls dir2
            copy.txt  fruits.txt
            $ mv copy.txt moved.txt; ls moved.txt copy.txt
            ls: cannot access 'copy.txt': No such file or directory
            moved.txt
            [exit 2]
            $ mv nofile x
            mv: cannot stat 'nofile': No such file or directory
            [exit 1]
            $ mv moved.txt dir1; ls dir1
            copy.txt  fruits.txt  moved.txt
            $ touch nodir/file
            touch: cannot touch 'nodir/file': No such file or directory
            [exit 1]
            $ cat dir1
            cat: dir1: Is a directory
            [exit 1]
            $ cat fruits.txt - <<< stdin-part
            banana 3
            apple 10
            cherry 2
            apple 10
            stdin-part
            $ tac fruits.txt
            apple 10
            cherry 2
            apple 10
            banana 3
            $ rev <<< hello
            olleh
            $ find dir2 -name '*.txt'
            dir2/copy.txt
            dir2/fruits.txt
            $ find . -type d
            .
            ./dir1
            ./dir2
            ./newdir
            $ realpath fruits.txt
            /home/learner/fruits.txt
            $ true; echo $?; false; echo $?
            0
            1
            $ clear
            [H[2J⏎
            $ less fruits.txt | head -1
            banana 3
        "#]],
    );
}

#[test]
fn usage_errors() {
    check(
        r#"
$ printf 'banana 3\napple 10\ncherry 2\napple 10\n' > fruits.txt
$ cut -d, -f 0 fruits.txt
$ head -n x fruits.txt
$ sort -k 0 fruits.txt
$ tr
$ seq
$ seq x
$ uniq nofile
$ base64 nofile
$ env -i A=1 env
"#,
        expect![[r#"
            $ printf 'banana 3\napple 10\ncherry 2\napple 10\n' > fruits.txt
            $ cut -d, -f 0 fruits.txt
            cut: fields are numbered from 1
            Try 'cut --help' for more information.
            [exit 1]
            $ head -n x fruits.txt
            head: invalid number of lines: ‘x’
            [exit 1]
            $ sort -k 0 fruits.txt
            sort: field number is zero: invalid field specification ‘0’
            [exit 2]
            $ tr
            tr: missing operand
            Try 'tr --help' for more information.
            [exit 1]
            $ seq
            seq: missing operand
            Try 'seq --help' for more information.
            [exit 1]
            $ seq x
            seq: invalid floating point argument: ‘x’
            Try 'seq --help' for more information.
            [exit 1]
            $ uniq nofile
            uniq: nofile: No such file or directory
            [exit 1]
            $ base64 nofile
            base64: nofile: No such file or directory
            [exit 1]
            $ env -i A=1 env
            A=1
        "#]],
    );
}
#[test]
fn grep_context() {
    check(
        r#"
$ printf 'a\nb\nmatch1\nc\nd\ne\nf\nmatch2\ng\n' > ctx.txt
$ grep -A1 match ctx.txt
$ grep -B2 -n match ctx.txt
$ grep -C1 match ctx.txt
"#,
        expect![[r#"
            $ printf 'a\nb\nmatch1\nc\nd\ne\nf\nmatch2\ng\n' > ctx.txt
            $ grep -A1 match ctx.txt
            match1
            c
            --
            match2
            g
            $ grep -B2 -n match ctx.txt
            1-a
            2-b
            3:match1
            --
            6-e
            7-f
            8:match2
            $ grep -C1 match ctx.txt
            b
            match1
            c
            --
            f
            match2
            g
        "#]],
    );
}

#[test]
fn system_information() {
    check(
        r#"
$ whoami
$ hostname
$ uname; uname -a; uname -sm
$ sudo whoami
$ type sudo
"#,
        expect![[r#"
            $ whoami
            learner
            $ hostname
            kubeniwa
            $ uname; uname -a; uname -sm
            Linux
            Linux kubeniwa 6.8.0-kubeniwa #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux
            Linux x86_64
            $ sudo whoami
            root
            $ type sudo
            sudo is /usr/bin/sudo
        "#]],
    );
}
